"""Write a review: comment on a line, take a comment back, mark a submission reviewed or not.

Who may do this (the course's instructors) is checked by the caller; these functions only
keep the rows right and tell the student's open workspace.
"""

from django.contrib.auth.models import User
from django.db import transaction

from exercises.models import Submission
from tutor.courses.models import Course
from tutor.review.models import LineComment, ReviewMark
from tutor.review.notifications import notify_feedback_added, notify_feedback_removed


class NotYourComment(Exception):
    """Only a comment's author may delete it."""


def add_comment(
    *, author: User, course: Course, submission: Submission, line: int, body: str
) -> LineComment:
    """Saves the comment in `course`; ValidationError (by field) when the line or the body is
    wrong."""
    comment = LineComment(
        submission=submission, course=course, line=line, body=body.strip(), author=author
    )
    comment.full_clean()
    with transaction.atomic():
        comment.save()
        notify_feedback_added(submission.student_id, submission.exercise_id, comment.pk)
    return comment


def delete_comment(user: User, comment: LineComment) -> None:
    if comment.author_id != user.pk:
        raise NotYourComment("You can only delete your own comments.")
    submission = comment.submission
    comment_id = comment.pk
    with transaction.atomic():
        comment.delete()
        notify_feedback_removed(submission.student_id, submission.exercise_id, comment_id)


def set_reviewed(submission: Submission, reviewer: User, reviewed: bool) -> ReviewMark | None:
    """Marks (keeping the first reviewer and time if it already was) or unmarks a submission."""
    if not reviewed:
        ReviewMark.objects.filter(submission=submission).delete()
        return None
    mark, _ = ReviewMark.objects.get_or_create(
        submission=submission, defaults={"reviewed_by": reviewer}
    )
    return mark
