"""Exercises belong to a course or to the shared library (course empty).

Every exercise that exists before this migration goes into the shared library: the bundled
curriculum and whatever instructors imported were server-wide, every course used them, and they
keep working for every course unchanged. An administrator (or an instructor given the
"Can change the shared exercise library" permission) changes them from now on; a course hides
one for itself only (courses 0003) or imports its own copy.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_hidden_library_exercise"),
        ("exercises", "0004_support_files_and_in_process"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="exercise",
            options={
                "ordering": ["order", "slug"],
                "permissions": [("change_library", "Can change the shared exercise library")],
            },
        ),
        migrations.AddField(
            model_name="exercise",
            name="course",
            field=models.ForeignKey(
                blank=True,
                help_text="The course that owns the exercise; empty: the shared library.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="own_exercises",
                to="courses.course",
            ),
        ),
    ]
