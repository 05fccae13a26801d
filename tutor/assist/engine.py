"""The one model engine of an llm worker process, loaded on first use and shared by its threads."""

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import torch
from django.conf import settings

from tutor.assist.remote_engine import get_remote_engine, reset_remote_engine, uses_model_server
from tutor.llm.embedded import embedded_model_path
from tutor.llm.engine import Engine
from tutor.llm.llamacpp import LlamaCppOptions
from tutor.llm.loading import LoadedModel, ModelInfo, ModelSpec, load_model
from tutor.llm.precision import default_threads
from tutor.llm.prompts import PROMPT_STYLES, PromptStyle
from tutor.llm.remote import RemoteModel
from tutor.llm.serving import ServingEngine

# The local model, or a model server's (LABTUTOR_MODEL_BACKEND=openai); their engines both
# implement tutor/llm/serving.py's ServingEngine.
ServedModel = LoadedModel | RemoteModel

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_current: tuple[Engine, LoadedModel] | None = None


def configured_model_path() -> Path:
    """The instructor's model, or the small embedded demo model of a fresh install."""
    if settings.LLM_MODEL_PATH:
        return Path(settings.LLM_MODEL_PATH)
    return embedded_model_path(settings.LLM_MODELS_DIR)


# What auto means, for a configured model and for the embedded demo model (SmolLM2-135M). The
# demo's figures come from bench/llm_quickstart.py on the 2-core lab CPU (issue 15): its good
# answers are 30-120 tokens, and past ~128 it repeats itself; a compact prompt is ~170-280 tokens.
CONFIGURED_MAX_NEW_TOKENS = 256
EMBEDDED_MAX_NEW_TOKENS = 128
EMBEDDED_MAX_PROMPT_TOKENS = 384
# Inline completion: a line or so, while the student waits with the cursor still.
CONFIGURED_COMPLETION_MAX_NEW_TOKENS = 48
EMBEDDED_COMPLETION_MAX_NEW_TOKENS = 24


@dataclass(frozen=True)
class AnswerLimits:
    """How the llm worker phrases and bounds an answer for the model it runs."""

    style: PromptStyle
    max_prompt_tokens: int | None
    max_new_tokens: int


def runs_embedded_model() -> bool:
    return not settings.LLM_MODEL_PATH


def answer_limits(*, completion: bool = False) -> AnswerLimits:
    """The settings, with auto resolved for the model the worker runs (configured or demo)."""
    embedded = runs_embedded_model()
    style = settings.LLM_PROMPT_STYLE
    if style not in PROMPT_STYLES:
        style = "compact" if embedded else "full"
    if completion:
        max_new = (
            EMBEDDED_COMPLETION_MAX_NEW_TOKENS if embedded else CONFIGURED_COMPLETION_MAX_NEW_TOKENS
        )
    else:
        max_new = settings.LLM_MAX_NEW_TOKENS or (
            EMBEDDED_MAX_NEW_TOKENS if embedded else CONFIGURED_MAX_NEW_TOKENS
        )
    max_prompt = settings.LLM_MAX_PROMPT_TOKENS or None
    if max_prompt is None and embedded:
        max_prompt = EMBEDDED_MAX_PROMPT_TOKENS
    return AnswerLimits(
        style=cast(PromptStyle, style), max_prompt_tokens=max_prompt, max_new_tokens=max_new
    )


def configured_threads() -> int:
    return settings.LLM_THREADS or default_threads()


def configured_llamacpp_options() -> LlamaCppOptions:
    return LlamaCppOptions(
        threads=configured_threads(),
        flash_attention=cast(Any, settings.LLM_LLAMACPP_FLASH_ATTENTION),
        repack=cast(Any, settings.LLM_LLAMACPP_REPACK),
    )


def engine_kv_budget(info: ModelInfo) -> int | None:
    """On llama.cpp with capped prompts (the demo model), each request's KV stream holds the
    longest request the worker sends instead of the model's window; None: the model's budget.

    Every request and prefix holder has a stream of its own allocated up front, and reusing a
    held prefix copies a whole stream (tutor/llm/llamacpp.py): for the demo model, 384 + 128
    tokens instead of 8192 is a sixteenth of the memory and of each copy.
    """
    limits = answer_limits()
    if info.backend != "llamacpp" or limits.max_prompt_tokens is None:
        return None
    longest_answer = max(limits.max_new_tokens, answer_limits(completion=True).max_new_tokens)
    return min(info.kv_budget_tokens, limits.max_prompt_tokens + longest_answer)


def get_engine() -> tuple[ServingEngine, ServedModel]:
    if uses_model_server():
        return get_remote_engine()
    global _current
    with _lock:
        if _current is None:
            # transformers computes on torch's thread pool, llama.cpp on threads of its own.
            torch.set_num_threads(configured_threads())
            loaded = load_model(
                ModelSpec(
                    path=configured_model_path(),
                    device=cast(Any, settings.LLM_DEVICE),
                    precision=cast(Any, settings.LLM_PRECISION),
                    backend=cast(Any, settings.LLM_BACKEND),
                    llamacpp=configured_llamacpp_options(),
                    parallel_requests=settings.LLM_PARALLEL_REQUESTS,
                    prefix_holders=settings.LLM_PREFIX_HOLDERS,
                )
            )
            logger.info(
                "Loaded model: %s; %d torch CPU threads", describe(loaded), torch.get_num_threads()
            )
            engine = Engine(
                loaded,
                max_batch_size=settings.LLM_PARALLEL_REQUESTS,
                prefix_holders=settings.LLM_PREFIX_HOLDERS,
                kv_budget_tokens=engine_kv_budget(loaded.info),
            )
            _current = (engine, loaded)
        return _current


def describe(loaded: LoadedModel) -> str:
    info = loaded.info
    return (
        f"{info.source_path.name} ({info.architecture}, {info.parameter_count / 1e6:.0f}M "
        f"parameters, {info.precision} on {info.device}: {info.precision_reason}; "
        f"{info.backend_reason})"
    )


def reset_engine() -> None:
    """Drop the loaded model (tests, or after the instructor installs another one)."""
    global _current
    reset_remote_engine()
    with _lock:
        if _current is not None:
            _current[0].close()
        _current = None
