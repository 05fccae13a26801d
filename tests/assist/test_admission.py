"""Admission instead of timeouts: a request the queue cannot serve before its deadline is
answered at once with the authored hint or a "busy" notice, and costs no budget."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import TestCase, override_settings
from django.utils import timezone

from exercises.models import Exercise
from tutor.assist.answer_speed import AnswerSpeed, publish_answer_speed
from tutor.assist.models import AiRequest
from tutor.assist.selectors.admission import (
    COMPLETION_LANE,
    AnswerLengths,
    admission_for_new_request,
    recent_answer_lengths,
)
from tutor.assist.selectors.requests import queue_place
from tutor.assist.services.requests import HelpRefused, next_hint_level, request_help
from tutor.courses.policy import hints_used

pytestmark = pytest.mark.django_db

BUGGY = "def add(a, b):\n    return a - b\n"


def recent_answers(student: User, exercise: Exercise, seconds: float, count: int = 3) -> None:
    for _ in range(count):
        AiRequest.objects.create(
            student=student,
            exercise=exercise,
            kind=AiRequest.Kind.EXPLAIN_CODE,
            status=AiRequest.Status.DONE,
            completion_tokens=100,
            duration_ms=round(seconds * 1000),
            finished_at=timezone.now(),
        )


def in_line(student: User, exercise: Exercise, count: int) -> None:
    for _ in range(count):
        AiRequest.objects.create(student=student, exercise=exercise, kind=AiRequest.Kind.REVIEW)


def ask(student: User, exercise: Exercise, kind: AiRequest.Kind, **context: object) -> AiRequest:
    with (
        mock.patch("tutor.assist.services.lifecycle.enqueue_generation") as enqueue,
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        ai_request = request_help(student, exercise, kind, {"code": BUGGY, **context})
    ai_request.enqueued = enqueue.called  # type: ignore[attr-defined]
    return ai_request


@override_settings(LLM_PARALLEL_REQUESTS=2, LLM_REQUEST_SECONDS=120)
def test_a_hint_that_cannot_finish_in_time_gets_the_authored_hint_at_once(
    student: User, other_student: User, add_two: Exercise
) -> None:
    recent_answers(other_student, add_two, seconds=50)
    in_line(other_student, add_two, 4)  # (4 + 1) / 2 -> 3 rounds of 50 s: 150 s > 120 s

    started = time.monotonic()
    ai_request = ask(student, add_two, AiRequest.Kind.HINT)
    answered_after = time.monotonic() - started

    assert answered_after < 2.0
    assert not ai_request.enqueued  # type: ignore[attr-defined]
    assert ai_request.status == AiRequest.Status.DONE
    assert ai_request.finish_reason == "declined"
    assert ai_request.reply.startswith(str(add_two.hints[0]).strip())
    assert "about 150 s" in ai_request.reply
    assert ai_request.model_settings["estimated_seconds"] == 150
    assert hints_used(student, add_two) == 0
    assert next_hint_level(student, add_two) == 1


@override_settings(LLM_PARALLEL_REQUESTS=2, LLM_REQUEST_SECONDS=120)
def test_other_help_says_the_tutor_is_busy_and_how_long_and_the_student_may_wait(
    student: User, other_student: User, add_two: Exercise
) -> None:
    recent_answers(other_student, add_two, seconds=50)
    in_line(other_student, add_two, 4)

    declined = ask(student, add_two, AiRequest.Kind.REVIEW)
    waiting = ask(student, add_two, AiRequest.Kind.REVIEW, wait=True)

    assert declined.finish_reason == "declined"
    assert declined.reply.startswith("The tutor is busy: an answer would take about 150 s")
    assert waiting.status == AiRequest.Status.QUEUED
    assert waiting.enqueued  # type: ignore[attr-defined]


@override_settings(LLM_PARALLEL_REQUESTS=2, LLM_REQUEST_SECONDS=120)
def test_requests_that_fit_are_let_in_and_with_nothing_measured_only_the_first_round(
    student: User, other_student: User, add_two: Exercise
) -> None:
    in_line(other_student, add_two, 1)
    first_round = admission_for_new_request()
    in_line(other_student, add_two, 1)
    beyond_it = admission_for_new_request()
    AiRequest.objects.filter(kind=AiRequest.Kind.REVIEW).delete()
    recent_answers(other_student, add_two, seconds=50)
    in_line(other_student, add_two, 2)  # (2 + 1) / 2 -> 2 rounds of 50 s: 100 s <= 120 s

    fits = ask(student, add_two, AiRequest.Kind.HINT)

    assert first_round.admitted and first_round.estimated_seconds is None
    assert not beyond_it.admitted and beyond_it.ahead == 2
    assert fits.status == AiRequest.Status.QUEUED
    assert fits.enqueued  # type: ignore[attr-defined]


def measured(*seconds: float) -> None:
    """What an llm worker publishes after measuring its model (calibration.py)."""
    publish_answer_speed(AnswerSpeed(tuple(seconds), 300, 128, time.time()))


@override_settings(LLM_PARALLEL_REQUESTS=3, LLM_REQUEST_SECONDS=120)
def test_the_first_requests_of_a_burst_are_estimated_from_the_workers_measurement(
    student: User, other_student: User, add_two: Exercise
) -> None:
    """No answer has finished yet and none has run long: the measured speed decides, every
    unfinished answer counting as load before it, each answer as slow as a full batch (those
    asked after it will join it); with nothing ahead, the student is told an answer's time
    alone."""
    measured(20.0, 50.0, 100.0)

    alone = admission_for_new_request()
    in_line(other_student, add_two, 2)
    third = admission_for_new_request()
    in_line(other_student, add_two, 1)
    next_round = ask(student, add_two, AiRequest.Kind.HINT)

    assert (alone.estimated_seconds, alone.admitted) == (20.0, True)
    assert (third.estimated_seconds, third.admitted) == (100.0, True)
    # Fourth in line with three slots: two rounds of three answers together.
    assert next_round.finish_reason == "declined"
    assert next_round.model_settings["estimated_seconds"] == 200.0
    assert not next_round.enqueued  # type: ignore[attr-defined]


@override_settings(LLM_PARALLEL_REQUESTS=2, LLM_REQUEST_SECONDS=120)
def test_when_nothing_finishes_the_oldest_running_answer_is_the_measure(
    student: User, other_student: User, add_two: Exercise
) -> None:
    """A model falling behind finishes nothing to measure it by: what runs already took long."""
    for _ in range(2):
        AiRequest.objects.create(
            student=other_student,
            exercise=add_two,
            kind=AiRequest.Kind.HINT,
            status=AiRequest.Status.RUNNING,
            started_at=timezone.now() - timedelta(seconds=70),
        )
    in_line(other_student, add_two, 1)

    declined = ask(student, add_two, AiRequest.Kind.HINT)

    assert declined.finish_reason == "declined"  # (3 + 1) / 2 -> 2 rounds of >= 70 s
    assert declined.model_settings["estimated_seconds"] >= 140


def test_declined_requests_do_not_shorten_the_wait_shown_in_the_queue(
    student: User, other_student: User, add_two: Exercise
) -> None:
    recent_answers(other_student, add_two, seconds=40, count=2)
    measured(40.0, 40.0)
    in_line(other_student, add_two, 1)
    with override_settings(LLM_PARALLEL_REQUESTS=2, LLM_REQUEST_SECONDS=10):
        for _ in range(3):  # a 40 s answer cannot finish in 10 s: declined, in no time
            assert ask(other_student, add_two, AiRequest.Kind.REVIEW).finish_reason == "declined"
    in_line(other_student, add_two, 1)
    mine = ask(student, add_two, AiRequest.Kind.REVIEW, wait=True)

    place = queue_place(mine, parallel_slots=2)

    assert place.position == 2
    assert place.estimated_wait_seconds == 40.0  # (2 ahead) / 2 slots x 40 s


def answers_of(student: User, exercise: Exercise, *lengths: int, reason: str = "stop") -> None:
    for tokens in lengths:
        AiRequest.objects.create(
            student=student,
            exercise=exercise,
            kind=AiRequest.Kind.HINT,
            status=AiRequest.Status.FAILED if reason == "timeout" else AiRequest.Status.DONE,
            finish_reason=reason,
            completion_tokens=tokens,
            duration_ms=1000,
            finished_at=timezone.now(),
        )


def test_answers_count_at_the_cap_until_enough_answers_tell_how_long_they_are(
    student: User, add_two: Exercise
) -> None:
    answers_of(student, add_two, 10, 20, 30, 40)
    four = recent_answer_lengths(cap=128)
    answers_of(student, add_two, 50, 60, 70, 80, 90, 100)

    assert four == AnswerLengths(long=128, mean=128)
    # Nine in ten of the ten answers were at most 90 tokens long; their mean is 55.
    assert recent_answer_lengths(cap=128) == AnswerLengths(long=90, mean=55)
    assert recent_answer_lengths(cap=64) == AnswerLengths(long=64, mean=47)  # 70.. count as 64


def test_an_answer_that_ran_out_of_time_counts_at_the_cap(student: User, add_two: Exercise) -> None:
    answers_of(student, add_two, 10, 10, 10, 10, 10, 10, 10, 10)
    answers_of(student, add_two, 5, 5, reason="timeout")

    assert recent_answer_lengths(cap=128) == AnswerLengths(long=128, mean=34)


def test_declined_and_completion_answers_do_not_count(student: User, add_two: Exercise) -> None:
    answers_of(student, add_two, 10, 10, 10, 10, 10)
    answers_of(student, add_two, 0, 0, 0, 0, 0, reason="declined")
    AiRequest.objects.filter(completion_tokens=10).update(kind=AiRequest.Kind.COMPLETE)
    answers_of(student, add_two, 12, 12, 12, 12)

    assert recent_answer_lengths(cap=128).long == 128  # four answers that count: too few
    answers_of(student, add_two, 30)
    assert recent_answer_lengths(cap=128) == AnswerLengths(long=30, mean=16)


@override_settings(LLM_PARALLEL_REQUESTS=2, LLM_REQUEST_SECONDS=120)
def test_the_answers_in_line_before_count_as_typical_ones_and_its_own_as_a_long_one(
    other_student: User, add_two: Exercise
) -> None:
    publish_answer_speed(
        AnswerSpeed((20.0, 50.0), 300, 128, time.time(), typical_seconds_by_batch=(8.0, 20.0))
    )
    in_line(other_student, add_two, 4)  # fifth in line with two slots: two rounds before it

    admission = admission_for_new_request()

    assert admission.estimated_seconds == 2 * 20.0 + 50.0
    assert admission.admitted


@override_settings(LLM_PARALLEL_REQUESTS=8, LLM_REQUEST_SECONDS=120)
def test_with_no_answer_ahead_a_request_is_admitted_whatever_the_figure_says(
    student: User, other_student: User, add_two: Exercise
) -> None:
    """The class of issue 22: a start-up figure from a busy machine (71 s alone, 160 s for 8)
    declined every request for 25 minutes with "0 answers ahead"."""
    measured(71.0, 80.0, 90.0, 100.0, 115.0, 130.0, 145.0, 160.0)
    in_line(other_student, add_two, 1)
    AiRequest.objects.create(
        student=other_student,
        exercise=add_two,
        kind=AiRequest.Kind.COMPLETE,  # a completion runs in its own lane: not ahead of a hint
    )

    with_one_ahead = admission_for_new_request()
    AiRequest.objects.filter(kind=AiRequest.Kind.REVIEW).delete()
    admitted = ask(student, add_two, AiRequest.Kind.HINT)

    assert not with_one_ahead.admitted
    assert admitted.status == AiRequest.Status.QUEUED
    assert admitted.enqueued  # type: ignore[attr-defined]
    assert admitted.context["estimated_seconds"] == 71.0  # an answer alone


@override_settings(
    LLM_PARALLEL_REQUESTS=2,
    LLM_REQUEST_SECONDS=120,
    LLM_RATE_LIMIT_REQUESTS=2,
    LLM_RATE_LIMIT_SECONDS=60,
)
def test_a_declined_request_costs_no_rate_limit_place(
    student: User, other_student: User, add_two: Exercise
) -> None:
    """Issue 22: after five instant "busy" replies the students were told "asking too often"
    without ever getting an answer."""
    recent_answers(other_student, add_two, seconds=50)
    in_line(other_student, add_two, 4)

    declined = [ask(student, add_two, AiRequest.Kind.REVIEW) for _ in range(5)]
    AiRequest.objects.filter(student=other_student, status=AiRequest.Status.QUEUED).delete()
    answered = [ask(student, add_two, AiRequest.Kind.REVIEW) for _ in range(2)]

    assert {request.finish_reason for request in declined} == {"declined"}
    assert all(request.status == AiRequest.Status.QUEUED for request in answered)
    with pytest.raises(HelpRefused, match="too often"):
        ask(student, add_two, AiRequest.Kind.REVIEW)  # the limit still holds for answers


@override_settings(LLM_PARALLEL_REQUESTS=2, LLM_REQUEST_SECONDS=120)
def test_waiting_for_a_declined_request_queues_that_request_itself(
    student: User, other_student: User, add_two: Exercise
) -> None:
    """One request, one row in the AI log: the declined one goes back in line."""
    recent_answers(other_student, add_two, seconds=50)
    in_line(other_student, add_two, 4)
    declined = ask(student, add_two, AiRequest.Kind.HINT)

    waited = ask(
        student, add_two, AiRequest.Kind.HINT, wait=True, declined_id=declined.pk, code="x = 1\n"
    )

    assert waited.pk == declined.pk
    assert waited.enqueued  # type: ignore[attr-defined]
    assert AiRequest.objects.filter(student=student).count() == 1
    waited.refresh_from_db()
    assert (waited.status, waited.finish_reason, waited.reply) == (AiRequest.Status.QUEUED, "", "")
    assert waited.context["code"] == "x = 1\n"
    assert waited.hint_level == 1
    # Someone else's declined request is not theirs to wait for: a new one is made.
    others = ask(other_student, add_two, AiRequest.Kind.HINT, wait=True, declined_id=declined.pk)
    assert others.pk != declined.pk


@override_settings(LLM_PARALLEL_REQUESTS=2, LLM_REQUEST_SECONDS=120)
def test_a_completion_has_its_own_lane(
    student: User, other_student: User, add_two: Exercise
) -> None:
    """Issue 22: 0 of 4 completions showed while hints were queued (all declined)."""
    recent_answers(other_student, add_two, seconds=50)
    in_line(other_student, add_two, 4)  # a hint now would be declined

    completions = [ask(student, add_two, AiRequest.Kind.COMPLETE, cursor=10) for _ in range(3)]

    assert [request.status for request in completions[:COMPLETION_LANE]] == [
        AiRequest.Status.QUEUED
    ] * COMPLETION_LANE
    beyond = completions[COMPLETION_LANE]
    assert (beyond.finish_reason, beyond.reply) == ("declined", "")  # nothing shows
    assert ask(student, add_two, AiRequest.Kind.HINT).finish_reason == "declined"
    # Completions are not answers ahead of a hint.
    AiRequest.objects.filter(kind=AiRequest.Kind.REVIEW).delete()
    assert admission_for_new_request().ahead == 0
