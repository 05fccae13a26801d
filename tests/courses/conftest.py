from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User

from exercises.models import Exercise
from tests.assist.conftest import tutor_model, worker_threads
from tutor.assist import streams
from tutor.courses.models import Course
from tutor.courses.services import create_course, enrol

# The tiny model and the stand-in llm worker, for the exam-mode test that streams an answer.
__all__ = ["tutor_model", "worker_threads"]


@pytest.fixture(autouse=True)
def fresh_live_state() -> Iterator[None]:
    """Request and user ids restart in every test database; their Redis state (answers, rate
    limits) must too."""
    streams.forget_all()
    yield
    streams.forget_all()


@pytest.fixture
def course(instructor: User, student: User, add_two: Exercise) -> Course:
    """A course taught by `instructor` with `student` enrolled, AI fully on."""
    course = create_course("Python 1", "python-1", instructors=[instructor])
    enrol(course, student)
    return course
