"""Exercise versions and regrades.

Every exercise starts at version 1, and every submission graded before this migration is
recorded as graded by version 1: its verdict came from the tests the exercise has now.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def graded_by_version_one(apps, schema_editor):
    submission_model = apps.get_model("exercises", "Submission")
    submission_model.objects.filter(status="done").update(exercise_version=1)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_hidden_library_exercise"),
        ("exercises", "0005_exercise_course_owner"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="exercise",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="submission",
            name="exercise_version",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="Regrade",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(help_text="The exercise's version it grades with"),
                ),
                ("total", models.PositiveIntegerField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "course",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="regrades",
                        to="courses.course",
                    ),
                ),
                (
                    "exercise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="regrades",
                        to="exercises.exercise",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        migrations.AddField(
            model_name="submission",
            name="regrade",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="submissions",
                to="exercises.regrade",
            ),
        ),
        migrations.RunPython(graded_by_version_one, migrations.RunPython.noop),
    ]
