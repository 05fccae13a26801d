"""Each common mistake answered once: the model's answer to one student's failing run serves the
next student whose run fails the same way."""

from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from exercises.models import Exercise
from tests.assist.scripted import ScriptedEngine
from tests.runs import graded_run
from tutor.assist.engine import get_engine
from tutor.assist.models import AiRequest, SharedAnswer
from tutor.assist.selectors.requests import request_payload
from tutor.assist.services.answers_ahead import RETRY_SECONDS, write_answers_ahead
from tutor.assist.services.generation import generate_reply
from tutor.assist.services.requests import request_help
from tutor.courses.policy import SHARED, hints_used

pytestmark = pytest.mark.django_db(transaction=True)

BUGGY = "def add(a, b):\n    return a - b\n"
# The same mistake two lines lower, with other names, spacing and a comment.
SAME_BUG_ELSEWHERE = "# my adder\n\ndef add(x, y):\n    return x-y  # subtract?\n"
OTHER_BUG = "def add(a, b):\n    return a * b\n"
MODEL_TEXT = "Look at line 2: which operation does `add` need?"


def ask(student: User, exercise: Exercise, code: str, **context: object) -> AiRequest:
    with mock.patch("tutor.assist.services.lifecycle.enqueue_generation") as enqueue:
        ai_request = request_help(student, exercise, AiRequest.Kind.HINT, {"code": code, **context})
    ai_request.enqueued = enqueue.called  # type: ignore[attr-defined]
    return ai_request


def written_by_model(ai_request: AiRequest, text: str = MODEL_TEXT) -> AiRequest:
    _, loaded = get_engine()
    with (
        override_settings(GUARD_ENABLED=False),
        mock.patch(
            "tutor.assist.services.generation.get_engine",
            return_value=(ScriptedEngine(text), loaded),
        ),
    ):
        generate_reply(ai_request.pk)
    ai_request.refresh_from_db()
    return ai_request


def test_the_next_student_with_the_same_failure_gets_the_answer_at_once_with_their_lines(
    tutor_model: Path, student: User, other_student: User, add_two: Exercise
) -> None:
    graded_run(student, add_two, BUGGY)
    first = written_by_model(ask(student, add_two, BUGGY))
    assert first.finish_reason == "stop" and first.reply == MODEL_TEXT
    stored = SharedAnswer.objects.get()
    assert (stored.source, stored.line, stored.hint_level) == ("model", 2, 1)

    graded_run(other_student, add_two, SAME_BUG_ELSEWHERE)
    served = ask(other_student, add_two, SAME_BUG_ELSEWHERE)

    assert not served.enqueued  # type: ignore[attr-defined]
    assert served.status == AiRequest.Status.DONE and served.finish_reason == SHARED
    assert served.reply == "Look at line 4: which operation does `add` need?"
    assert served.shared_answer == stored
    payload = request_payload(served)
    assert payload["shared"] == "model" and payload["reply"] == served.reply
    # It is a hint the student asked for and got: budget and ladder as for any other.
    assert hints_used(other_student, add_two) == 1
    stored.refresh_from_db()
    assert stored.times_served == 1


def test_a_student_may_still_ask_the_model_for_a_fresh_answer(
    tutor_model: Path, student: User, other_student: User, add_two: Exercise
) -> None:
    graded_run(student, add_two, BUGGY)
    written_by_model(ask(student, add_two, BUGGY))
    graded_run(other_student, add_two, BUGGY)

    fresh = ask(other_student, add_two, BUGGY, fresh=True)

    assert fresh.enqueued and fresh.status == AiRequest.Status.QUEUED  # type: ignore[attr-defined]
    assert fresh.context["fresh"] is True
    # Its own answer is kept too, and is the one served next (the latest).
    written_by_model(fresh, "Line 2 subtracts; the statement asks for a sum.")
    assert SharedAnswer.objects.count() == 2


@pytest.mark.parametrize(
    ("second_code", "ran"),
    [
        (OTHER_BUG, True),  # another mistake: another signature
        (BUGGY, False),  # never ran: no failure to match
    ],
)
def test_no_answer_is_shared_across_different_failures_or_code_that_did_not_run(
    tutor_model: Path,
    student: User,
    other_student: User,
    add_two: Exercise,
    second_code: str,
    ran: bool,
) -> None:
    graded_run(student, add_two, BUGGY)
    written_by_model(ask(student, add_two, BUGGY))
    if ran:
        graded_run(other_student, add_two, second_code)

    second = ask(other_student, add_two, second_code)

    assert second.enqueued and second.finish_reason == ""  # type: ignore[attr-defined]


def test_only_whole_answers_the_guard_let_through_are_kept(
    tutor_model: Path, student: User, add_two: Exercise
) -> None:
    graded_run(student, add_two, BUGGY)
    with override_settings(GUARD_ENABLED=True):
        _, loaded = get_engine()
        leaked = ask(student, add_two, BUGGY)
        with mock.patch(
            "tutor.assist.services.generation.get_engine",
            return_value=(
                ScriptedEngine("```python\ndef add(a, b):\n    return a + b\n```"),
                loaded,
            ),
        ):
            generate_reply(leaked.pk)
    leaked.refresh_from_db()
    assert leaked.guard_verdict == "block"
    assert not SharedAnswer.objects.exists()


def test_an_answer_written_while_a_request_waited_serves_it_at_pickup(
    tutor_model: Path, student: User, other_student: User, add_two: Exercise
) -> None:
    """A class asks at once: the second request, picked up after the first was answered, gets
    that answer instead of a second one from the model."""
    graded_run(student, add_two, BUGGY)
    graded_run(other_student, add_two, SAME_BUG_ELSEWHERE)
    first = ask(student, add_two, BUGGY)
    second = ask(other_student, add_two, SAME_BUG_ELSEWHERE)
    assert first.enqueued and second.enqueued  # type: ignore[attr-defined]

    written_by_model(first)
    second = written_by_model(second, "The model must not be asked again.")

    assert second.finish_reason == SHARED and second.status == AiRequest.Status.DONE
    assert second.reply == "Look at line 4: which operation does `add` need?"
    assert SharedAnswer.objects.count() == 1


@override_settings(LLM_AHEAD_PER_EXERCISE=5)
def test_answers_written_ahead_for_likely_mistakes_answer_the_first_student_at_once(
    tutor_model: Path, student: User, add_two: Exercise
) -> None:
    _, loaded = get_engine()
    with (
        override_settings(GUARD_ENABLED=False),
        mock.patch(
            "tutor.assist.services.answers_ahead.get_engine",
            return_value=(ScriptedEngine("Does line 2 use both numbers?"), loaded),
        ),
    ):
        written = write_answers_ahead(add_two.pk)
        again = write_answers_ahead(add_two.pk)

    ahead = SharedAnswer.objects.filter(source=SharedAnswer.Source.AHEAD)
    # `return a + b`: `return a` (wrong value returned) and `return b + b` (wrong variable).
    assert written == 2 and again == 0 and ahead.count() == 2
    assert {answer.label for answer in ahead} == {"wrong value returned", "wrong variable used"}
    assert {answer.line for answer in ahead} == {2}

    # The same mistake, in a student's own words, one line lower.
    code = "def add(x, y):\n\n    return x\n"
    graded_run(student, add_two, code)
    served = ask(student, add_two, code)
    assert not served.enqueued  # type: ignore[attr-defined]
    assert served.finish_reason == SHARED and served.shared_answer in list(ahead)
    assert served.reply == "Does line 3 use both numbers?"
    assert request_payload(served)["shared"] == "ahead"


@override_settings(LLM_AHEAD_PER_EXERCISE=5)
def test_writing_ahead_gives_way_to_any_students_request(
    tutor_model: Path, student: User, add_two: Exercise
) -> None:
    waiting = ask(student, add_two, BUGGY)
    assert waiting.status == AiRequest.Status.QUEUED
    with mock.patch("tutor.assist.services.answers_ahead.enqueue_answers_ahead") as later:
        assert write_answers_ahead(add_two.pk) == 0
    later.assert_called_once_with(add_two.pk, countdown=RETRY_SECONDS)
    assert not SharedAnswer.objects.exists()


@override_settings(LLM_AHEAD_PER_EXERCISE=1)
def test_answers_ahead_are_bounded_per_exercise(tutor_model: Path, add_two: Exercise) -> None:
    _, loaded = get_engine()
    with mock.patch(
        "tutor.assist.services.answers_ahead.get_engine",
        return_value=(ScriptedEngine("Which value does line 2 return?"), loaded),
    ):
        assert write_answers_ahead(add_two.pk) == 1
        assert write_answers_ahead(add_two.pk) == 0
    assert SharedAnswer.objects.count() == 1
