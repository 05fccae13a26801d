"""A review comment belongs to the course it was written in.

Existing comments are given the course, among those the student is enrolled in, that the
comment's author teaches (the first by name if several); failing that, the student's first
course. A comment with neither (its author gone and the student in no course) stays without a
course: the student still sees it, no course's instructors do.
"""

import django.db.models.deletion
from django.db import migrations, models


def place_comments(apps, schema_editor):
    comment_model = apps.get_model("review", "LineComment")
    enrollment_model = apps.get_model("courses", "Enrollment")
    for comment in comment_model.objects.filter(course__isnull=True).select_related("submission"):
        courses = enrollment_model.objects.filter(
            student_id=comment.submission.student_id
        ).order_by("course__name")
        taught = (
            courses.filter(course__instructors=comment.author_id) if comment.author_id else None
        )
        chosen = (taught.first() if taught is not None else None) or courses.first()
        if chosen is not None:
            comment.course_id = chosen.course_id
            comment.save(update_fields=["course"])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_hidden_library_exercise"),
        ("review", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="linecomment",
            name="course",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="line_comments",
                to="courses.course",
            ),
        ),
        migrations.RunPython(place_comments, migrations.RunPython.noop),
    ]
