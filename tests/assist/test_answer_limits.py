"""How the llm worker phrases and bounds answers, and the authored hint a student sees at once."""

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from exercises.models import Exercise
from tutor.assist.engine import (
    CONFIGURED_MAX_NEW_TOKENS,
    EMBEDDED_COMPLETION_MAX_NEW_TOKENS,
    EMBEDDED_MAX_NEW_TOKENS,
    EMBEDDED_MAX_PROMPT_TOKENS,
    AnswerLimits,
    answer_limits,
)
from tutor.assist.models import AiRequest
from tutor.assist.selectors.requests import request_payload

AUTO = {"LLM_PROMPT_STYLE": "auto", "LLM_MAX_NEW_TOKENS": 0, "LLM_MAX_PROMPT_TOKENS": 0}


def test_the_embedded_demo_model_gets_compact_short_prompts_and_answers() -> None:
    with override_settings(LLM_MODEL_PATH="", **AUTO):
        assert answer_limits() == AnswerLimits(
            "compact", EMBEDDED_MAX_PROMPT_TOKENS, EMBEDDED_MAX_NEW_TOKENS
        )
        assert answer_limits(completion=True).max_new_tokens == EMBEDDED_COMPLETION_MAX_NEW_TOKENS


def test_a_configured_model_gets_the_full_prompt_and_the_window() -> None:
    with override_settings(LLM_MODEL_PATH="/srv/models/stable-code-instruct-3b", **AUTO):
        assert answer_limits() == AnswerLimits("full", None, CONFIGURED_MAX_NEW_TOKENS)


def test_the_settings_override_auto() -> None:
    chosen = {"LLM_PROMPT_STYLE": "full", "LLM_MAX_NEW_TOKENS": 300, "LLM_MAX_PROMPT_TOKENS": 900}
    with override_settings(LLM_MODEL_PATH="", **chosen):
        assert answer_limits() == AnswerLimits("full", 900, 300)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "level", "expected"),
    [
        ("hint", 1, "Concept: a function gives back a value with return."),
        ("hint", 3, "Plan: combine the two parameters with + and return the result."),
        ("hint", 5, "Plan: combine the two parameters with + and return the result."),
        ("explain_error", None, None),
        ("ask", None, None),
    ],
)
def test_a_hint_carries_the_exercises_own_hint_for_its_level(
    student: User, add_two: Exercise, kind: str, level: int | None, expected: str | None
) -> None:
    ai_request = AiRequest.objects.create(
        student=student, exercise=add_two, kind=kind, hint_level=level
    )
    assert request_payload(ai_request)["authored_hint"] == expected


@pytest.mark.django_db
def test_an_exercise_without_hints_carries_none(student: User, add_two: Exercise) -> None:
    add_two.hints = []
    add_two.save()
    ai_request = AiRequest.objects.create(student=student, exercise=add_two, kind="hint")
    assert request_payload(ai_request)["authored_hint"] is None
