from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from exercises.models import Exercise, Submission
from tutor.accounts.roles import make_instructor
from tutor.courses.models import Course
from tutor.courses.services import create_course
from tutor.review.models import LineComment
from tutor.review.services import add_comment

FIRST = "def add(a, b):\n    pass\n"
SECOND = "def add(a, b):\n    return a - b\n"
# Passes the visible tests, fails the hidden one (add(4141, 1) == 4142).
THIRD = "def add(a, b):\n    if a > 1000:\n        return 0\n    return a + b\n"


def comment_on(instructor: User, submission: Submission, line: int, body: str) -> LineComment:
    """A comment in the course `instructor` teaches (one in these tests)."""
    course = Course.objects.get(instructors=instructor)
    return add_comment(
        author=instructor, course=course, submission=submission, line=line, body=body
    )


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_submission(
    student: User, exercise: Exercise, code: str, minutes_ago: int, kind: str = "run"
) -> Submission:
    """A submission made `minutes_ago` minutes ago (created_at is set on insert, so update it)."""
    submission = Submission.objects.create(student=student, exercise=exercise, code=code, kind=kind)
    Submission.objects.filter(pk=submission.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    submission.refresh_from_db()
    return submission


@pytest.fixture
def attempts(course: Course, student: User, add_two: Exercise) -> list[Submission]:
    """The enrolled student's three attempts at add-two, oldest first."""
    return [
        make_submission(student, add_two, FIRST, 30),
        make_submission(student, add_two, SECOND, 20),
        make_submission(student, add_two, THIRD, 10, kind="submit"),
    ]


@pytest.fixture
def other_instructor(db: None) -> User:
    """Teaches a course of their own, not `course`."""
    user = get_user_model().objects.create_user("other-teacher", password="pw-other-teacher")
    make_instructor(user)
    create_course("Other", "other", instructors=[user])
    return user
