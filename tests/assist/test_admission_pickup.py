"""An admitted answer is promised within LLM_REQUEST_SECONDS of the asking: when the llm worker
picks up one that its wait has made too late, the student gets the authored hint then, never
an answer stopped after minutes with "The answer took too long"."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from django.utils import timezone

from exercises.models import Exercise
from tutor.assist.answer_speed import (
    AnswerSpeed,
    publish_answer_speed,
    read_answer_speed,
)
from tutor.assist.calibration import calibrate, publish_speed
from tutor.assist.engine import get_engine, reset_engine
from tutor.assist.models import AiRequest
from tutor.assist.selectors.admission import COMPLETION_SECONDS, admission_for_new_request
from tutor.assist.selectors.requests import request_payload
from tutor.assist.services.generation import generate_reply
from tutor.assist.services.requests import request_help
from tutor.courses.policy import hints_used
from tutor.llm.engine import Engine
from tutor.llm.requests import GenerationRequest

pytestmark = pytest.mark.django_db(transaction=True)

BUGGY = "def add(a, b):\n    return a - b\n"


def asked_ago(student: User, exercise: Exercise, seconds: float, **context: object) -> AiRequest:
    """A hint admitted `seconds` ago and still queued for the llm worker."""
    with mock.patch("tutor.assist.services.lifecycle.enqueue_generation"):
        ai_request = request_help(
            student, exercise, AiRequest.Kind.HINT, {"code": BUGGY, **context}
        )
    assert ai_request.status == AiRequest.Status.QUEUED
    AiRequest.objects.filter(pk=ai_request.pk).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )
    return ai_request


def answers_take(seconds: float, slots: int = 8) -> None:
    publish_answer_speed(AnswerSpeed((seconds,) * slots, 300, 24, time.time()))


@contextmanager
def another_answer_running() -> Iterator[None]:
    """An answer the engine is writing (for someone else) while the worker picks one up."""
    engine, _ = get_engine()
    assert isinstance(engine, Engine)
    handle = engine.submit(
        GenerationRequest("Another student's question", max_new_tokens=400, deadline_seconds=60)
    )
    while engine.stats().running == 0:
        time.sleep(0.01)
    try:
        yield
    finally:
        handle.cancel()
        handle.result()


@override_settings(LLM_REQUEST_SECONDS=120)
def test_a_hint_its_wait_made_too_late_gets_the_authored_hint_when_picked_up(
    tutor_model: Path, student: User, add_two: Exercise
) -> None:
    late = asked_ago(student, add_two, seconds=100)
    answers_take(30.0)  # 100 s waited + 30 s to answer > 120 s

    with another_answer_running():
        generate_reply(late.pk)
    late.refresh_from_db()

    assert late.status == AiRequest.Status.DONE
    assert late.finish_reason == "declined"
    assert late.completion_tokens == 0  # the model never ran it
    assert late.reply.startswith(str(add_two.hints[0]).strip())
    assert late.model_settings["declined_at"] == "pickup"
    assert late.model_settings["estimated_seconds"] >= 130
    busy_seconds = request_payload(late)["busy_seconds"]
    assert busy_seconds is not None and busy_seconds >= 130
    assert late.error_message == ""
    assert hints_used(student, add_two) == 0


@override_settings(LLM_REQUEST_SECONDS=120)
def test_with_nothing_running_a_late_one_starts_all_the_same(
    tutor_model: Path, student: User, add_two: Exercise
) -> None:
    """Declining it would leave the model idle and its figure uncorrected (issue 22)."""
    late = asked_ago(student, add_two, seconds=100)
    answers_take(30.0)

    generate_reply(late.pk)
    late.refresh_from_db()

    assert late.status == AiRequest.Status.DONE
    assert late.finish_reason == "length"
    assert late.completion_tokens == 24


@override_settings(LLM_REQUEST_SECONDS=120)
def test_one_that_can_still_finish_in_time_or_whose_student_chose_to_wait_is_answered(
    tutor_model: Path, student: User, other_student: User, add_two: Exercise
) -> None:
    in_time = asked_ago(student, add_two, seconds=60)
    chose_to_wait = asked_ago(other_student, add_two, seconds=100, wait=True)
    answers_take(30.0)

    generate_reply(in_time.pk)
    answers_take(30.0)  # the worker republished its own (tiny model) measurement
    generate_reply(chose_to_wait.pk)

    for answered in (in_time, chose_to_wait):
        answered.refresh_from_db()
        assert answered.status == AiRequest.Status.DONE
        assert answered.finish_reason == "length"
        assert answered.completion_tokens == 24
        assert request_payload(answered)["busy_seconds"] is None


@override_settings(LLM_PARALLEL_REQUESTS=3)
def test_the_worker_measures_its_model_at_start_so_the_first_request_has_an_estimate(
    tutor_model: Path,
) -> None:
    reset_engine()  # an engine with three slots
    engine, _ = get_engine()
    assert admission_for_new_request().estimated_seconds is None  # nothing measured yet

    calibrate(engine)
    publish_speed(engine)

    measured_steps = engine.stats().step_seconds_by_batch
    speed = read_answer_speed()
    assert speed is not None
    assert {1, 3} <= set(measured_steps)
    assert speed.slots == 3
    assert list(speed.seconds_by_batch) == sorted(speed.seconds_by_batch)
    assert speed.answer_tokens == 24  # no answers yet: each counted at its cap
    first = admission_for_new_request()
    assert first.admitted
    assert first.estimated_seconds == speed.seconds_for(1) > 0  # nothing ahead: alone


def test_a_completion_taken_too_late_is_dropped_unseen_and_one_in_time_is_written(
    tutor_model: Path, student: User, add_two: Exercise
) -> None:
    def completion(asked_seconds_ago: float) -> AiRequest:
        with mock.patch("tutor.assist.services.lifecycle.enqueue_generation"):
            ai_request = request_help(
                student, add_two, AiRequest.Kind.COMPLETE, {"code": BUGGY, "cursor": 20}
            )
        AiRequest.objects.filter(pk=ai_request.pk).update(
            created_at=timezone.now() - timedelta(seconds=asked_seconds_ago)
        )
        return ai_request

    get_engine()  # loaded, as in a worker that is up
    late = completion(COMPLETION_SECONDS + 1)
    generate_reply(late.pk)
    in_time = completion(0)
    generate_reply(in_time.pk)
    late.refresh_from_db()
    in_time.refresh_from_db()

    assert (late.status, late.finish_reason, late.reply) == (AiRequest.Status.DONE, "late", "")
    assert late.completion_tokens == 0  # the model never ran it
    assert in_time.status == AiRequest.Status.DONE
    assert in_time.finish_reason in ("stop", "length")
