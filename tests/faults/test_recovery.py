"""The sweeper's rules, one stuck submission or AI request at a time (real Redis, no workers)."""

from collections.abc import Iterator
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from django.utils import timezone

from exercises.models import Exercise, Submission
from exercises.services import grading, heartbeats
from exercises.services.recovery import (
    GRADER_DIED_TWICE,
    GRADING_STUCK,
    NO_GRADER,
    Recovery,
    recover_submission,
    sweep_submissions,
)
from tutor import workers
from tutor.assist import streams
from tutor.assist.models import AiRequest
from tutor.assist.services.recovery import (
    NO_TUTOR_MESSAGE,
    WORKER_LOST_MESSAGE,
    recover_request,
    sweep_requests,
)
from tutor.watchdog import Watchdog

# Transactions commit: re-enqueueing happens on commit, as in production.
pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def enqueued() -> Iterator[mock.MagicMock]:
    with (
        mock.patch("exercises.services.grading._enqueue_grading") as grade,
        mock.patch("tutor.assist.services.lifecycle.enqueue_generation") as generate,
    ):
        grade.generation = generate
        yield grade


def submission(student: User, exercise: Exercise, **fields: object) -> Submission:
    ago = fields.pop("started_seconds_ago", None)
    row = Submission.objects.create(
        student=student, exercise=exercise, kind="run", code="x = 1\n", **fields
    )
    created = fields.get("created_at")
    if ago is not None:
        row.started_at = timezone.now() - timedelta(seconds=float(str(ago)))
        row.save(update_fields=["started_at"])
    if created is not None:
        Submission.objects.filter(pk=row.pk).update(created_at=created)
        row.refresh_from_db()
    return row


def minutes_ago(minutes: float) -> object:
    return timezone.now() - timedelta(minutes=minutes)


def test_a_running_submission_whose_worker_died_is_graded_again_once(
    student: User, add_two: Exercise, enqueued: mock.MagicMock
) -> None:
    row = submission(student, add_two, status="running", grading_attempts=1, started_seconds_ago=10)

    assert recover_submission(row.pk) == Recovery.REQUEUED
    # A second sweeper (another worker's watchdog) at the same moment does nothing.
    assert recover_submission(row.pk) is None

    row.refresh_from_db()
    assert row.status == "queued" and row.grading_attempts == 1
    enqueued.assert_called_once_with(row.pk)


def test_a_submission_that_killed_its_grader_twice_ends_with_an_error(
    student: User, add_two: Exercise, enqueued: mock.MagicMock
) -> None:
    row = submission(student, add_two, status="running", grading_attempts=2, started_seconds_ago=10)
    assert recover_submission(row.pk) == Recovery.FAILED
    row.refresh_from_db()
    assert row.status == "error" and row.error_message == GRADER_DIED_TWICE
    enqueued.assert_not_called()


def test_a_submission_with_a_live_heartbeat_is_left_alone_until_it_is_stuck(
    student: User, add_two: Exercise, enqueued: mock.MagicMock
) -> None:
    row = submission(student, add_two, status="running", grading_attempts=1, started_seconds_ago=30)
    heartbeats.beat(row.pk)
    assert recover_submission(row.pk) is None
    # Beating for longer than a grading task may run: stuck, whatever the heartbeat says.
    with override_settings(GRADING_STUCK_SECONDS=20):
        assert recover_submission(row.pk) == Recovery.FAILED
    row.refresh_from_db()
    assert row.status == "error" and row.error_message == GRADING_STUCK


def test_a_submission_just_claimed_is_not_taken_for_dead(
    student: User, add_two: Exercise, enqueued: mock.MagicMock
) -> None:
    row = submission(student, add_two, status="running", grading_attempts=1, started_seconds_ago=1)
    assert recover_submission(row.pk) is None
    assert sweep_submissions() == {}


def test_a_queued_submission_whose_message_was_lost_is_enqueued_again(
    student: User, add_two: Exercise, enqueued: mock.MagicMock
) -> None:
    workers.mark_alive("runner", "runner@test")
    fresh = submission(student, add_two)
    waiting = submission(student, add_two, created_at=minutes_ago(2))

    assert sweep_submissions() == {waiting.pk: Recovery.REQUEUED}
    assert sweep_submissions() == {}  # once per REQUEUE_SECONDS
    enqueued.assert_called_once_with(waiting.pk)
    fresh.refresh_from_db()
    assert fresh.status == "queued"


def test_with_no_grader_alive_a_waiting_student_is_told_so(
    student: User, add_two: Exercise, enqueued: mock.MagicMock
) -> None:
    workers.mark_alive("runner", "runner@test")
    workers.mark_gone("runner", "runner@test")
    row = submission(student, add_two, created_at=minutes_ago(2))

    assert recover_submission(row.pk) == Recovery.FAILED
    row.refresh_from_db()
    assert row.status == "error" and row.error_message == NO_GRADER
    assert row.code == "x = 1\n"  # the code is kept: nothing is lost


def test_a_late_result_does_not_overwrite_a_finished_submission(
    student: User, add_two: Exercise
) -> None:
    row = submission(student, add_two, status="running", grading_attempts=2)
    grading._finish_with_error(row, GRADER_DIED_TWICE)
    grading._finish_with_result(row, {"passed": True, "tests": [{"outcome": "passed"}]})
    row.refresh_from_db()
    assert row.status == "error" and row.passed is None


def ai_request(student: User, exercise: Exercise, **fields: object) -> AiRequest:
    created = fields.pop("created_at", None)
    row = AiRequest.objects.create(student=student, exercise=exercise, kind="hint", **fields)
    if created is not None:
        AiRequest.objects.filter(pk=row.pk).update(created_at=created)
        row.refresh_from_db()
    return row


def test_an_answer_whose_worker_stopped_beating_is_failed(
    student: User, add_two: Exercise, enqueued: mock.MagicMock
) -> None:
    alive = ai_request(student, add_two, status="running")
    streams.beat(alive.pk)
    dead = ai_request(student, add_two, status="running")

    assert sweep_requests() == {dead.pk: Recovery.FAILED}
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == "failed" and dead.error_message == WORKER_LOST_MESSAGE
    assert alive.status == "running"


def test_a_lost_queued_request_is_sent_again_while_an_llm_worker_lives(
    student: User, add_two: Exercise, enqueued: mock.MagicMock
) -> None:
    workers.mark_alive("llm", "llm@test")
    row = ai_request(student, add_two, created_at=minutes_ago(2))
    assert recover_request(row.pk) == Recovery.REQUEUED
    assert recover_request(row.pk) is None
    enqueued.generation.assert_called_once_with(row.pk)


def test_with_no_llm_worker_a_queued_request_fails_with_a_clear_message(
    student: User, add_two: Exercise, enqueued: mock.MagicMock
) -> None:
    row = ai_request(student, add_two, created_at=minutes_ago(2))
    fresh = ai_request(student, add_two)
    assert sweep_requests() == {row.pk: Recovery.FAILED}
    row.refresh_from_db()
    fresh.refresh_from_db()
    assert row.status == "failed" and row.error_message == NO_TUTOR_MESSAGE
    assert fresh.status == "queued"
    enqueued.generation.assert_not_called()


def test_a_restarted_redis_holds_back_the_verdicts_that_rely_on_it(
    student: User, add_two: Exercise, enqueued: mock.MagicMock
) -> None:
    running = submission(
        student, add_two, status="running", grading_attempts=1, started_seconds_ago=10
    )
    queued = ai_request(student, add_two, created_at=minutes_ago(2))
    with mock.patch("tutor.workers.redis_restarted_within", return_value=True):
        # Its heartbeat may be gone with the restart, not with its worker.
        assert recover_submission(running.pk) is None
        # No worker stamp is no proof that none lives; but the message may be lost: resent.
        assert recover_request(queued.pk) == Recovery.REQUEUED
    queued.refresh_from_db()
    assert queued.status == "queued"


def test_a_runner_workers_watchdog_ends_the_answers_that_no_llm_worker_will(
    student: User, add_two: Exercise, enqueued: mock.MagicMock
) -> None:
    """Sockets only read: with the llm worker gone for good, the runner's watchdog is what
    tells the student (and the other way round)."""
    waiting = ai_request(student, add_two, created_at=minutes_ago(2))
    orphaned = ai_request(student, add_two, status="running")
    Watchdog("runner@test", ["runner"]).round()
    waiting.refresh_from_db()
    orphaned.refresh_from_db()
    assert waiting.status == "failed" and waiting.error_message == NO_TUTOR_MESSAGE
    assert orphaned.status == "failed" and orphaned.error_message == WORKER_LOST_MESSAGE
    assert workers.last_seen("runner") is not None and workers.last_seen("llm") is None
