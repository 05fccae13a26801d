from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from exercises.models import Exercise
from exercises.services.importing import import_exercises_from
from tutor.accounts.roles import make_instructor

FIXTURES = Path(__file__).parent / "fixtures"
EXERCISM_SAMPLES = FIXTURES / "exercism"


@pytest.fixture
def student(db: None) -> User:
    return get_user_model().objects.create_user("alice", password="alice-password")


@pytest.fixture
def other_student(db: None) -> User:
    return get_user_model().objects.create_user("bob", password="bob-password")


@pytest.fixture
def instructor(db: None) -> User:
    user = get_user_model().objects.create_user("teacher", password="teacher-password")
    make_instructor(user)
    return user


@pytest.fixture
def exercism_exercises(db: None) -> Iterator[dict[str, Exercise]]:
    report = import_exercises_from(EXERCISM_SAMPLES)
    assert not report.errors, report.errors
    yield {exercise.slug: exercise for exercise in Exercise.objects.all()}
