"""The one model engine of an llm worker process, loaded on first use and shared by its threads."""

import logging
import threading
from pathlib import Path
from typing import Any, cast

import torch
from django.conf import settings

from tutor.assist.remote_engine import get_remote_engine, reset_remote_engine, uses_model_server
from tutor.llm.embedded import embedded_model_path
from tutor.llm.engine import Engine
from tutor.llm.llamacpp import LlamaCppOptions
from tutor.llm.loading import LoadedModel, ModelSpec, load_model
from tutor.llm.remote import RemoteEngine, RemoteModel

# The local engine, or a model server's (LABTUTOR_MODEL_BACKEND=openai): the same interface.
ServingEngine = Engine | RemoteEngine
ServedModel = LoadedModel | RemoteModel

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_current: tuple[Engine, LoadedModel] | None = None


def configured_model_path() -> Path:
    """The instructor's model, or the small embedded demo model of a fresh install."""
    if settings.LLM_MODEL_PATH:
        return Path(settings.LLM_MODEL_PATH)
    return embedded_model_path(settings.LLM_MODELS_DIR)


def configured_llamacpp_options() -> LlamaCppOptions:
    return LlamaCppOptions(
        threads=settings.LLM_THREADS or None,
        flash_attention=cast(Any, settings.LLM_LLAMACPP_FLASH_ATTENTION),
        repack=cast(Any, settings.LLM_LLAMACPP_REPACK),
    )


def get_engine() -> tuple[ServingEngine, ServedModel]:
    if uses_model_server():
        return get_remote_engine()
    global _current
    with _lock:
        if _current is None:
            loaded = load_model(
                ModelSpec(
                    path=configured_model_path(),
                    device=cast(Any, settings.LLM_DEVICE),
                    precision=cast(Any, settings.LLM_PRECISION),
                    backend=cast(Any, settings.LLM_BACKEND),
                    llamacpp=configured_llamacpp_options(),
                    parallel_requests=settings.LLM_PARALLEL_REQUESTS,
                )
            )
            logger.info(
                "Loaded model: %s; %d torch CPU threads", describe(loaded), torch.get_num_threads()
            )
            engine = Engine(
                loaded,
                max_batch_size=settings.LLM_PARALLEL_REQUESTS,
                prefix_holders=settings.LLM_PREFIX_HOLDERS,
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
