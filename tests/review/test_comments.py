"""Comments and review marks through the services: validation, ownership, toggling."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from exercises.models import Submission
from tests.review.conftest import comment_on
from tutor.review.models import LineComment, ReviewMark
from tutor.review.services import NotYourComment, delete_comment, set_reviewed

pytestmark = pytest.mark.django_db


def test_a_comment_on_a_line_of_the_code_is_stored_trimmed(
    attempts: list[Submission], instructor: User
) -> None:
    comment = comment_on(instructor, attempts[1], 2, "  Subtracting? The task says add.\n")
    comment.refresh_from_db()
    assert (comment.line, comment.body, comment.author) == (
        2,
        "Subtracting? The task says add.",
        instructor,
    )
    assert comment.line_text == "    return a - b"


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        (3, "line", "Line 3 is not in the code: it has lines 1 to 2."),
        (0, "line", "Lines are numbered from 1."),
    ],
)
def test_a_line_outside_the_code_is_refused_with_the_range(
    attempts: list[Submission], instructor: User, line: int, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        comment_on(instructor, attempts[1], line, "Look here.")
    assert refused.value.message_dict == {field: [message]}
    assert not LineComment.objects.exists()


@pytest.mark.parametrize("body", ["", "   \n\t"])
def test_an_empty_comment_is_refused(
    attempts: list[Submission], instructor: User, body: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        comment_on(instructor, attempts[1], 1, body)
    assert refused.value.message_dict == {"body": ["Write a comment first: it is empty."]}
    assert not LineComment.objects.exists()


def test_the_model_checks_the_line_range_too(attempts: list[Submission], instructor: User) -> None:
    # As the admin would: full_clean on an unsaved row, without the service.
    comment = LineComment(submission=attempts[0], line=5, body="x", author=instructor)
    with pytest.raises(ValidationError, match="Line 5 is not in the code"):
        comment.full_clean()


def test_empty_code_has_one_line_to_comment_on(
    attempts: list[Submission], instructor: User
) -> None:
    attempts[0].code = ""
    attempts[0].save()
    assert comment_on(instructor, attempts[0], 1, "Start with def add(a, b):").line_text == ""
    with pytest.raises(ValidationError, match="it has only line 1"):
        comment_on(instructor, attempts[0], 2, "x")


def test_only_the_author_deletes_a_comment(
    attempts: list[Submission], instructor: User, other_instructor: User
) -> None:
    comment = comment_on(instructor, attempts[1], 2, "Why minus?")
    with pytest.raises(NotYourComment):
        delete_comment(other_instructor, comment)
    assert LineComment.objects.filter(pk=comment.pk).exists()
    delete_comment(instructor, comment)
    assert not LineComment.objects.filter(pk=comment.pk).exists()


def test_the_reviewed_mark_toggles_and_keeps_its_first_reviewer(
    attempts: list[Submission], instructor: User, other_instructor: User
) -> None:
    submission = attempts[2]
    mark = set_reviewed(submission, instructor, True)
    assert mark is not None and mark.reviewed_by == instructor
    again = set_reviewed(submission, other_instructor, True)
    assert again is not None and again.pk == mark.pk and again.reviewed_by == instructor
    assert ReviewMark.objects.count() == 1

    assert set_reviewed(submission, instructor, False) is None
    assert not ReviewMark.objects.filter(submission=submission).exists()
    assert set_reviewed(submission, instructor, False) is None  # unmarking twice is fine
    mark = set_reviewed(submission, other_instructor, True)
    assert mark is not None and mark.reviewed_by == other_instructor
