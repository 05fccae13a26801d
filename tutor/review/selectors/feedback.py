"""The instructors' comments as the student sees them, in their workspace."""

from typing import TypedDict

from django.contrib.auth.models import User
from django.db.models import QuerySet

from exercises.models import Exercise
from tutor.review.models import LineComment

INSTRUCTOR_FALLBACK_NAME = "Your instructor"


def author_name(author: User | None) -> str:
    """Students see their instructor's name; an account that is gone leaves a neutral label."""
    if author is None:
        return INSTRUCTOR_FALLBACK_NAME
    return author.get_full_name() or author.get_username()


class CommentPayload(TypedDict):
    """An instructor's comment on a line, as the student's workspace shows it."""

    id: int
    submission_id: int
    submission_kind: str
    submitted_at: str
    line: int
    line_text: str
    body: str
    author: str
    created_at: str


def feedback_payload(comment: LineComment) -> CommentPayload:
    submission = comment.submission
    return CommentPayload(
        id=comment.pk,
        submission_id=submission.pk,
        submission_kind=submission.kind,
        submitted_at=submission.created_at.isoformat(),
        line=comment.line,
        line_text=comment.line_text,
        body=comment.body,
        author=author_name(comment.author),
        created_at=comment.created_at.isoformat(),
    )


def _students_comments(student: User, exercise: Exercise) -> QuerySet[LineComment]:
    # Filtering on the submission's student is what keeps one student's feedback from another.
    return LineComment.objects.filter(
        submission__student=student, submission__exercise=exercise
    ).select_related("submission", "author")


def feedback_for_student(student: User, exercise: Exercise) -> list[CommentPayload]:
    """Newest submission first, then in line order: how the workspace panel lists them."""
    comments = _students_comments(student, exercise).order_by(
        "-submission__created_at", "-submission_id", "line", "created_at", "pk"
    )
    return [feedback_payload(comment) for comment in comments]


def student_feedback_comment(
    student: User, exercise: Exercise, comment_id: int
) -> CommentPayload | None:
    """One comment for a live update, if it is on this student's code for this exercise."""
    comment = _students_comments(student, exercise).filter(pk=comment_id).first()
    return feedback_payload(comment) if comment is not None else None
