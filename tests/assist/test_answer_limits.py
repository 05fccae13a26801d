"""How the llm worker phrases and bounds answers, and the authored hint a student sees at once."""

from pathlib import Path

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
    engine_kv_budget,
)
from tutor.assist.models import AiRequest
from tutor.assist.selectors.requests import request_payload
from tutor.llm.loading import ModelInfo

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


def model_info(backend: str, kv_budget_tokens: int = 8192) -> ModelInfo:
    return ModelInfo(
        architecture="LlamaForCausalLM",
        model_type="llama",
        parameter_count=135_000_000,
        precision="Q4_1",
        precision_reason="",
        device="cpu",
        memory_bytes=0,
        context_window=8192,
        kv_bytes_per_token=23040,
        kv_budget_tokens=kv_budget_tokens,
        has_chat_template=True,
        fim_tokens=None,
        load_seconds=0.0,
        source_path=Path("demo.gguf"),
        backend=backend,  # type: ignore[arg-type]
    )


def test_llamacpp_streams_hold_the_longest_capped_request_rather_than_the_window() -> None:
    with override_settings(LLM_MODEL_PATH="", **AUTO):
        longest = EMBEDDED_MAX_PROMPT_TOKENS + EMBEDDED_MAX_NEW_TOKENS
        assert engine_kv_budget(model_info("llamacpp")) == longest
        assert engine_kv_budget(model_info("llamacpp", kv_budget_tokens=300)) == 300
        # transformers' budget is the whole batch's, not one request's.
        assert engine_kv_budget(model_info("transformers")) is None
    with override_settings(LLM_MODEL_PATH="/srv/models/stable-code-instruct-3b", **AUTO):
        assert engine_kv_budget(model_info("llamacpp")) is None
