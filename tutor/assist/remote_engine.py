"""The llm worker's engine when LABTUTOR_MODEL_BACKEND=openai: a model server on the LAN.

Nothing is loaded: the worker only relays requests to the server (tutor/llm/remote.py), so it
starts at once even when the server is down; requests then fail with a clear message, and the
model page says the server cannot be reached. With LABTUTOR_MODEL_TOKENIZER naming the model's
own files here (a folder or .gguf), prompts are built as token ids, as for a local model.
"""

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from tutor.llm.remote import (
    RemoteEngine,
    RemoteModel,
    ServerConfig,
    probe_server,
    remote_model_info,
)

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_current: tuple[RemoteEngine, RemoteModel] | None = None


def uses_model_server() -> bool:
    return str(settings.LLM_BACKEND) == "openai"


def server_config() -> ServerConfig:
    if not settings.LLM_SERVER_URL:
        from tutor.llm.loading import ModelLoadError

        raise ModelLoadError("LABTUTOR_MODEL_BACKEND=openai needs LABTUTOR_MODEL_URL")
    return ServerConfig(
        url=settings.LLM_SERVER_URL,
        api_key=settings.LLM_SERVER_API_KEY,
        model=settings.LLM_SERVER_MODEL,
        context_window=settings.LLM_SERVER_CONTEXT_TOKENS,
        parallel=settings.LLM_PARALLEL_REQUESTS,
        fim_tokens=parse_fim_tokens(settings.LLM_SERVER_FIM_TOKENS),
    )


def parse_fim_tokens(setting: str) -> tuple[str, str, str] | None:
    """LABTUTOR_MODEL_FIM_TOKENS: empty, or the prefix, suffix and middle spellings."""
    if not setting.strip():
        return None
    parts = [part.strip() for part in setting.split(",")]
    if len(parts) != 3 or not all(parts):
        from tutor.llm.loading import ModelLoadError

        raise ModelLoadError(
            "LABTUTOR_MODEL_FIM_TOKENS must be three token spellings, prefix,suffix,middle "
            f"(e.g. <fim_prefix>,<fim_suffix>,<fim_middle>), not {setting!r}"
        )
    return parts[0], parts[1], parts[2]


def get_remote_engine() -> tuple[RemoteEngine, RemoteModel]:
    global _current
    with _lock:
        if _current is None:
            config = server_config()
            probe = probe_server(config)
            if not probe.reachable:
                logger.error("The model server %s cannot be reached: %s", config.url, probe.error)
            tokenizer = _local_tokenizer()
            info = remote_model_info(config, probe, tokenizer)
            model = RemoteModel(config=config, info=info, tokenizer=tokenizer)
            _current = (RemoteEngine(config), model)
            logger.info("Model server %s, model %s", config.base_url, info.model_type)
        return _current


def _local_tokenizer() -> "PreTrainedTokenizerBase | None":
    if not settings.LLM_SERVER_TOKENIZER:
        return None
    from tutor.llm.loading import load_tokenizer_at

    return load_tokenizer_at(Path(settings.LLM_SERVER_TOKENIZER))


def reset_remote_engine() -> None:
    global _current
    with _lock:
        if _current is not None:
            _current[0].close()
        _current = None
