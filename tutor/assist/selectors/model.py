"""The model status page: what the llm worker loaded, how long the queue is, how fast it writes.

Three sources, each read without waiting on the worker: the status the worker publishes to Redis
(tutor/assist/model_status.py), the length of the `llm` Celery queue in the broker, and the
AiRequest rows (queued and running now; tokens and timings of answers finished lately).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import redis
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from tutor.assist.model_status import read_load_error, read_status
from tutor.assist.models import AiRequest
from tutor.assist.worker import LLM_QUEUE

SPEED_WINDOWS_MINUTES = (5, 15)
# Kombu's Redis transport keeps a queue as one list per priority step: "llm" for the default
# priority and "llm\x06\x16<step>" for the others (kombu.transport.redis, PRIORITY_STEPS and
# Channel.sep). LabTutor sends no priorities, but counting them all costs nothing.
KOMBU_PRIORITY_STEPS = (0, 3, 6, 9)
KOMBU_PRIORITY_SEPARATOR = "\x06\x16"
INSTALL_COMMAND = "python manage.py model install /media/usb/stable-code-instruct-3b"


@dataclass(frozen=True)
class SpeedWindow:
    minutes: int
    answers: int  # finished in the window with at least one token written
    output_tokens: int
    tokens_per_second: float | None  # output tokens / their answers' generation time
    mean_first_token_ms: float | None


@dataclass(frozen=True)
class LoadedModel:
    """The worker's published status, in the words and units the page shows."""

    name: str
    path: str
    architecture: str
    parameters: str
    precision: str
    precision_reason: str
    backend: str
    backend_reason: str
    device: str
    memory: str
    context_window: int
    chat_template: bool
    fill_in_the_middle: bool
    load_seconds: float
    engine_waiting: int
    engine_running: int
    decode_steps_per_second: float
    published_at: datetime
    # A model server's own word (LABTUTOR_MODEL_BACKEND=openai): reachable, latency_ms, models,
    # error; None for a model in the worker.
    server: dict[str, Any] | None = None


@dataclass(frozen=True)
class ModelOverview:
    loaded: LoadedModel | None  # what the worker published last; None if it never did
    worker_up: bool  # it published recently
    load_error: str  # why the worker has no model, if it said so
    configured_model: str
    demo: bool
    broker_queue_length: int | None  # None: the broker could not be reached
    requests_queued: int
    requests_running: int
    speeds: list[SpeedWindow]
    install_command: str = INSTALL_COMMAND


def model_overview() -> ModelOverview:
    try:
        status = read_status()
        load_error = read_load_error()
    except redis.RedisError:
        status, load_error = None, ""
    counts = {
        row["status"]: row["count"]
        for row in AiRequest.objects.filter(
            status__in=(AiRequest.Status.QUEUED, AiRequest.Status.RUNNING)
        )
        .values("status")
        .annotate(count=Count("pk"))
        .order_by()
    }
    return ModelOverview(
        loaded=loaded_model(status) if status is not None else None,
        worker_up=status is not None and not status["stale"],
        load_error=load_error,
        configured_model=settings.LLM_MODEL_PATH or "the embedded demo model",
        demo=not settings.LLM_MODEL_PATH,
        broker_queue_length=llm_queue_length(),
        requests_queued=counts.get(AiRequest.Status.QUEUED, 0),
        requests_running=counts.get(AiRequest.Status.RUNNING, 0),
        speeds=[speed_over(minutes) for minutes in SPEED_WINDOWS_MINUTES],
    )


def loaded_model(status: dict[str, Any]) -> LoadedModel:
    stats = status.get("stats", {})
    path = str(status.get("source_path", ""))
    return LoadedModel(
        name=Path(path).name,
        path=path,
        architecture=f"{status.get('architecture', '?')} ({status.get('model_type', '?')})",
        parameters=_count(int(status.get("parameter_count", 0))),
        precision=str(status.get("precision", "?")),
        precision_reason=str(status.get("precision_reason", "")),
        backend=str(status.get("backend", "transformers")),
        backend_reason=str(status.get("backend_reason", "")),
        device=str(status.get("device", "?")),
        memory=f"{int(status.get('memory_bytes', 0)) / 2**30:.2f} GiB",
        context_window=int(status.get("context_window", 0)),
        chat_template=bool(status.get("has_chat_template")),
        fill_in_the_middle=bool(status.get("fim")),
        load_seconds=float(status.get("load_seconds", 0.0)),
        engine_waiting=int(stats.get("waiting", 0)),
        engine_running=int(stats.get("running", 0)),
        decode_steps_per_second=float(stats.get("decode_steps_per_second", 0.0)),
        published_at=datetime.fromtimestamp(float(status.get("published_at", 0)), tz=UTC),
        server=status.get("server"),
    )


def _count(parameters: int) -> str:
    if parameters >= 10**9:
        return f"{parameters / 1e9:.2f} billion"
    return f"{parameters / 1e6:.0f} million"


def llm_queue_length(queue: str = LLM_QUEUE) -> int | None:
    """Messages waiting in the broker for an llm worker (not those a worker already took)."""
    keys = [
        queue if step == 0 else f"{queue}{KOMBU_PRIORITY_SEPARATOR}{step}"
        for step in KOMBU_PRIORITY_STEPS
    ]
    try:
        pipeline = _broker(settings.CELERY_BROKER_URL).pipeline()
        for key in keys:
            pipeline.llen(key)
        return sum(int(length) for length in pipeline.execute())
    except redis.RedisError:
        return None


def speed_over(minutes: int) -> SpeedWindow:
    """Writing speed of the answers finished in the last `minutes`.

    Tokens per second is output tokens over the time spent writing them, from the first token
    to the last (as `manage.py model check` measures it): the speed one student sees, whatever
    the queue and the prompt's prefill took before. Answers written side by side in one batch
    each count their own time, so this does not grow with the batch; the class's total rate is
    about this times the answers running at once.
    """
    since = timezone.now() - timedelta(minutes=minutes)
    rows = AiRequest.objects.filter(
        finished_at__gte=since, completion_tokens__gt=0, duration_ms__isnull=False
    ).values_list("completion_tokens", "duration_ms", "first_token_ms")
    answers = output_tokens = writing_tokens = writing_ms = 0
    first_token_ms: list[int] = []
    for tokens, duration, first in rows:
        answers += 1
        output_tokens += tokens
        if first is None:
            writing_tokens += tokens
            writing_ms += duration or 0
        else:
            # The first token ends the prefill; the others are written after it.
            writing_tokens += tokens - 1
            writing_ms += max((duration or 0) - first, 0)
            first_token_ms.append(first)
    return SpeedWindow(
        minutes=minutes,
        answers=answers,
        output_tokens=output_tokens,
        tokens_per_second=writing_tokens / (writing_ms / 1000) if writing_ms > 0 else None,
        mean_first_token_ms=sum(first_token_ms) / len(first_token_ms) if first_token_ms else None,
    )


@cache
def _broker(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
