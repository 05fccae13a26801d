"""What the llm worker has loaded, published to Redis so that any process can show it."""

import json
import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from django.conf import settings

from tutor.redis_client import redis_client

if TYPE_CHECKING:
    from tutor.llm.engine import EngineStats
    from tutor.llm.loading import ModelInfo

# A worker that stops publishing for this long is reported as gone.
STALE_AFTER_SECONDS = 120


def status_key() -> str:
    return f"{settings.LIVE_STATE_PREFIX}:llm:status"


def load_error_key() -> str:
    return f"{settings.LIVE_STATE_PREFIX}:llm:load_error"


def publish_status(
    info: "ModelInfo", stats: "EngineStats", server: dict[str, Any] | None = None
) -> None:
    """server: for a model server (LABTUTOR_MODEL_BACKEND=openai), what it said when last asked
    (remote.ServerProbe): reachable, latency_ms, models, error."""
    status: dict[str, Any] = {
        **{name: value for name, value in asdict(info).items() if name != "fim_tokens"},
        "source_path": str(info.source_path),
        "fim": info.fim_tokens is not None,
        "stats": asdict(stats),
        "server": server,
        "published_at": time.time(),
    }
    pipeline = redis_client().pipeline()
    pipeline.set(status_key(), json.dumps(status))
    pipeline.delete(load_error_key())
    pipeline.execute()


def publish_engine_status(engine: object, info: "ModelInfo", *, ask_server: bool) -> None:
    """The status of either engine; a model server is asked again only when ask_server (the
    worker's periodic report), else its last answer is reused (after each request)."""
    from tutor.llm.remote import RemoteEngine

    stats = engine.stats()  # type: ignore[attr-defined]
    if not isinstance(engine, RemoteEngine):
        publish_status(info, stats)
        return
    probe = engine.probe() if ask_server or engine.last_probe is None else engine.last_probe
    publish_status(info, stats, server=probe.to_dict())


def publish_load_error(message: str) -> None:
    """A worker that could not load its model says why, for the model status page."""
    redis_client().set(load_error_key(), message, ex=STALE_AFTER_SECONDS * 30)


def read_status() -> dict[str, Any] | None:
    """The last status a worker published, with "stale" set when it is too old to trust."""
    raw = redis_client().get(status_key())
    if not raw:
        return None
    status: dict[str, Any] = json.loads(raw)
    status["stale"] = time.time() - float(status.get("published_at", 0)) > STALE_AFTER_SECONDS
    return status


def read_load_error() -> str:
    raw = redis_client().get(load_error_key())
    if isinstance(raw, bytes):
        return raw.decode(errors="replace")
    return raw or ""
