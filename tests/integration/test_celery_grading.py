"""A real Celery worker on the runner queue grades a submission saved through the service."""

import subprocess
import time
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User

from exercises.models import Exercise, Submission
from exercises.services.grading import submit_code
from exercises.services.importing import import_exercises_from
from tests.conftest import FIXTURES
from tests.real_stack import stack_environment, start_worker, stop
from tutor.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def runner_worker() -> Iterator[subprocess.Popen[bytes]]:
    celery_app.control.purge()
    worker = start_worker("runner", stack_environment(), "--pool", "solo")
    yield worker
    stop(worker)


def wait_until_finished(submission_id: int, seconds: float) -> Submission:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        submission = Submission.objects.get(pk=submission_id)
        if submission.is_finished:
            return submission
        time.sleep(0.2)
    raise AssertionError(f"submission {submission_id} was not graded within {seconds} s")


def test_worker_grades_a_submission_enqueued_on_commit(
    runner_worker: subprocess.Popen[bytes], student: User
) -> None:
    import_exercises_from(FIXTURES / "native")
    exercise = Exercise.objects.get(slug="add-two")

    submission = submit_code(
        student, exercise, "def add(a, b):\n    return a + b\n", Submission.Kind.SUBMIT
    )
    graded = wait_until_finished(submission.pk, seconds=60)

    assert graded.status == Submission.Status.DONE
    assert graded.passed is True
    assert graded.tests_total == 3
