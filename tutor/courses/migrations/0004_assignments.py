"""Assignments: a course's exercises with an opening and a due date (none exist before)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_hidden_library_exercise"),
        ("exercises", "0006_exercise_versions_and_regrades"),
    ]

    operations = [
        migrations.CreateModel(
            name="Assignment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("opens_at", models.DateTimeField()),
                ("due_at", models.DateTimeField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "course",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to="courses.course",
                    ),
                ),
                (
                    "exercises",
                    models.ManyToManyField(related_name="assignments", to="exercises.exercise"),
                ),
            ],
            options={
                "ordering": ["due_at", "title", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("due_at__gt", models.F("opens_at"))),
                        name="assignment_due_after_opening",
                    )
                ],
            },
        ),
    ]
