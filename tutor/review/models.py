"""An instructor's review of a submission: comments on its lines, and a mark once it is reviewed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models

from exercises.models import Submission

COMMENT_MAX_LENGTH = 2000
EMPTY_BODY = "Write a comment first: it is empty."


def code_lines(code: str) -> list[str]:
    """The lines a reviewer sees and comments on; empty code is one empty line, not none."""
    return code.splitlines() or [""]


def line_out_of_range(line: int, count: int) -> str:
    if count == 1:
        return f"Line {line} is not in the code: it has only line 1."
    return f"Line {line} is not in the code: it has lines 1 to {count}."


class LineComment(models.Model):
    """A remark on one line of a submission's code; the student sees it in their workspace."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="line_comments"
    )
    # The course the reviewer wrote it in: only that course's instructors see it (the student
    # sees all their comments). Empty only for comments older than courses' own records that
    # the upgrade could not place (review migration 0002).
    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, null=True, related_name="line_comments"
    )
    line = models.PositiveIntegerField(
        validators=[MinValueValidator(1, message="Lines are numbered from 1.")]
    )
    body = models.TextField(
        validators=[MaxLengthValidator(COMMENT_MAX_LENGTH)], error_messages={"blank": EMPTY_BODY}
    )
    # The comment outlives its author's account: the student keeps the advice.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="review_comments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["line", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(line__gte=1), name="comment_line_positive")
        ]

    def __str__(self) -> str:
        return f"comment on line {self.line} of submission {self.submission_id}"

    def clean(self) -> None:
        # An empty body and a line below 1 are the fields' own errors; these are the rest.
        errors: dict[str, str] = {}
        if self.body and not self.body.strip():
            errors["body"] = EMPTY_BODY
        if self.submission_id is not None and self.line is not None:
            count = len(code_lines(self.submission.code))
            if self.line > count:
                errors["line"] = line_out_of_range(self.line, count)
        if errors:
            raise ValidationError(errors)

    @property
    def line_text(self) -> str:
        """The commented line as the student wrote it, so the remark still reads after edits."""
        lines = code_lines(self.submission.code)
        return lines[self.line - 1] if self.line <= len(lines) else ""


class ReviewMark(models.Model):
    """Present while a submission is marked reviewed; unmarking deletes it."""

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="review_mark"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="review_marks",
    )
    reviewed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"submission {self.submission_id} reviewed"
