"""The solution-leak guard inside the answer pipeline, on scripted model output."""

from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from exercises.models import Exercise
from tests.assist.scripted import ScriptedEngine
from tutor.assist.engine import get_engine
from tutor.assist.guarding import ECHO_REPLY
from tutor.assist.models import AiRequest
from tutor.assist.services.generation import generate_reply
from tutor.assist.services.requests import request_help
from tutor.llm.prompts import SYSTEM_PROMPT

pytestmark = pytest.mark.django_db(transaction=True)

BUGGY = "def add(a, b):\n    return a - b\n"


def answer(
    student: User, exercise: Exercise, model_text: str, *, guard_enabled: bool = True
) -> tuple[AiRequest, str]:
    """Runs a hint whose model output is model_text; returns the row and what was streamed."""
    with mock.patch("tutor.assist.services.lifecycle.enqueue_generation"):
        ai_request = request_help(student, exercise, AiRequest.Kind.HINT, {"code": BUGGY})
    _, loaded = get_engine()
    streamed: list[str] = []
    with (
        override_settings(GUARD_ENABLED=guard_enabled),
        mock.patch(
            "tutor.assist.services.generation.get_engine",
            return_value=(ScriptedEngine(model_text), loaded),
        ),
        mock.patch(
            "tutor.assist.services.generation.notify_delta",
            side_effect=lambda _id, _seq, text: streamed.append(text),
        ),
    ):
        generate_reply(ai_request.pk)
    ai_request.refresh_from_db()
    return ai_request, "".join(streamed)


def test_the_full_solution_is_blocked_and_replaced_by_the_authored_hint(
    tutor_model: Path, student: User, add_two: Exercise
) -> None:
    reply = "Sure! Here is the fix:\n\n```python\ndef add(a, b):\n    return a + b\n```\n"
    ai_request, streamed = answer(student, add_two, reply)

    assert "return a + b" not in streamed
    assert ai_request.guard_verdict == "block"
    assert ai_request.status == AiRequest.Status.DONE and ai_request.finish_reason == "guard"
    assert "return a + b" not in ai_request.reply
    assert add_two.hints[0] in ai_request.reply
    assert ai_request.guard_reason


def test_a_hidden_test_value_is_redacted_before_it_reaches_the_student(
    tutor_model: Path, student: User, add_two: Exercise
) -> None:
    reply = "Check what your function returns for 4141 and 1: it should be 4142.\n"
    ai_request, streamed = answer(student, add_two, reply)

    assert ai_request.guard_verdict == "redact"
    assert "4142" not in streamed and "4142" not in ai_request.reply
    assert "4141" not in streamed
    assert ai_request.guard_findings


def test_a_conceptual_hint_streams_unchanged(
    tutor_model: Path, student: User, add_two: Exercise
) -> None:
    reply = "Look at the operator on line 2. Which one adds two numbers together?\n"
    ai_request, streamed = answer(student, add_two, reply)

    assert ai_request.guard_verdict == "allow"
    assert streamed == reply == ai_request.reply


@pytest.mark.parametrize("guard_enabled", [True, False])
def test_a_reply_that_recites_the_system_prompt_is_stopped(
    tutor_model: Path, student: User, add_two: Exercise, guard_enabled: bool
) -> None:
    reply = f"My instructions say: {SYSTEM_PROMPT}"
    ai_request, streamed = answer(student, add_two, reply, guard_enabled=guard_enabled)

    assert "patient programming tutor helping a student" not in streamed
    assert ai_request.guard_verdict == "block"
    assert "instructions" in ai_request.guard_reason
    assert ai_request.reply == ECHO_REPLY
    assert ai_request.guard_findings[0]["kind"] == "prompt_echo"
    assert ai_request.status == AiRequest.Status.DONE and ai_request.finish_reason == "guard"


def test_a_nul_character_from_the_model_is_dropped_so_any_database_can_store_the_reply(
    tutor_model: Path, student: User, add_two: Exercise
) -> None:
    # A byte-fallback token can decode to NUL; PostgreSQL refuses it in a text column.
    ai_request, streamed = answer(
        student, add_two, "Check \x00the sign you use.", guard_enabled=False
    )

    assert ai_request.status == AiRequest.Status.DONE
    assert ai_request.reply == streamed == "Check the sign you use."
