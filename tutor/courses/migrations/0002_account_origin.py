"""Which course's roster created each student account (tutor/courses/access.py).

Accounts that exist already are given the course they were enrolled in within a minute of being
created -- what adding students from a roster does -- unless they are staff, superusers or
instructors. Any other account (joined by code later, made in the admin) is left to
administrators.
"""

from datetime import timedelta

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ROSTER_SECONDS = 60


def record_roster_origins(apps, schema_editor):
    enrollment_model = apps.get_model("courses", "Enrollment")
    origin_model = apps.get_model("courses", "AccountOrigin")
    seen: set[int] = set()
    enrollments = enrollment_model.objects.select_related("student").order_by("joined_at", "pk")
    for enrollment in enrollments.iterator():
        student = enrollment.student
        if student.pk in seen:
            continue
        seen.add(student.pk)
        if student.is_staff or student.is_superuser:
            continue
        if student.groups.filter(name="Instructors").exists() or student.taught_courses.exists():
            continue
        if (
            timedelta(0)
            <= enrollment.joined_at - student.date_joined
            <= timedelta(seconds=ROSTER_SECONDS)
        ):
            origin_model.objects.create(account=student, course_id=enrollment.course_id)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("courses", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="AccountOrigin",
            fields=[
                (
                    "account",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="account_origin",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "course",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="created_accounts",
                        to="courses.course",
                    ),
                ),
            ],
        ),
        migrations.RunPython(record_roster_origins, migrations.RunPython.noop),
    ]
