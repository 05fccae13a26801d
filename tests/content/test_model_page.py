"""The model status page: the worker's report, the llm queue, and tokens/s from finished answers."""

import json
import re
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import redis
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from exercises.models import Exercise
from tutor.assist import worker
from tutor.assist.model_status import (
    load_error_key,
    publish_load_error,
    publish_status,
    status_key,
)
from tutor.assist.models import AiRequest
from tutor.assist.selectors.model import KOMBU_PRIORITY_SEPARATOR, speed_over
from tutor.llm.engine import EngineStats
from tutor.llm.loading import ModelInfo
from tutor.redis_client import redis_client

pytestmark = pytest.mark.django_db

INFO = ModelInfo(
    architecture="StableLmForCausalLM",
    model_type="stablelm",
    parameter_count=2_795_443_200,
    precision="bf16",
    precision_reason="the GPU supports bf16",
    device="cuda",
    memory_bytes=6_000_000_000,
    context_window=16384,
    kv_bytes_per_token=327680,
    kv_budget_tokens=100000,
    has_chat_template=True,
    fim_tokens=None,
    load_seconds=12.5,
    source_path=Path("/srv/models/stable-code-instruct-3b"),
    backend="transformers",
    backend_reason="transformers: not a .gguf file",
)
STATS = EngineStats(
    waiting=3, running=2, decode_steps_per_second=9.5, prefill_tokens_per_second=300
)


@pytest.fixture(autouse=True)
def no_worker_report() -> Iterator[None]:
    redis_client().delete(status_key(), load_error_key())
    yield
    redis_client().delete(status_key(), load_error_key())


@pytest.fixture
def llm_queue(settings: Any) -> Iterator[list[tuple[str, str]]]:
    """Messages pushed onto the broker's llm lists by the test, taken off again afterwards."""
    pushed: list[tuple[str, str]] = []
    yield pushed
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    for key, message in pushed:
        broker.lrem(key, 0, message)


def page(client: Client, instructor: User) -> str:
    client.force_login(instructor)
    response = client.get(reverse("model:status"))
    assert response.status_code == 200
    return response.content.decode()


def cell(html: str, element_id: str) -> str:
    match = re.search(rf'<(td|tr|p) id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, element_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(2))).strip()


def answer(
    student: User,
    exercise: Exercise,
    minutes_ago: float | None,
    status: str,
    timings: tuple[int, int | None, int | None],  # tokens written, duration ms, first token ms
) -> AiRequest:
    finished_at = None if minutes_ago is None else timezone.now() - timedelta(minutes=minutes_ago)
    tokens, duration, first = timings
    return AiRequest.objects.create(
        student=student,
        exercise=exercise,
        kind="hint",
        status=status,
        finished_at=finished_at,
        completion_tokens=tokens,
        duration_ms=duration,
        first_token_ms=first,
    )


def test_tokens_per_second_come_from_answers_finished_lately(
    client: Client, instructor: User, student: User, add_two: Exercise
) -> None:
    # 100 tokens written in 5 s after the first, and 50 in 2.5 s: 20 tokens/s over 5 minutes.
    answer(student, add_two, 2, "done", (101, 6000, 1000))
    answer(student, add_two, 4, "done", (51, 3000, 500))
    # 30 more in 3 s, stopped 10 minutes ago: 180 tokens / 10.5 s = 17.1 over 15 minutes.
    answer(student, add_two, 10, "cancelled", (31, 5000, 2000))
    # Too old, nothing written, or not finished: left out.
    answer(student, add_two, 30, "done", (999, 1000, 10))
    answer(student, add_two, 1, "failed", (0, 90000, None))
    answer(student, add_two, None, "running", (40, None, 300))

    five, fifteen = speed_over(5), speed_over(15)
    assert (five.answers, five.output_tokens) == (2, 152)
    assert five.tokens_per_second == pytest.approx(20.0)
    assert five.mean_first_token_ms == pytest.approx(750)
    assert (fifteen.answers, fifteen.output_tokens) == (3, 183)
    assert fifteen.tokens_per_second == pytest.approx(180 / 10.5)

    html = page(client, instructor)
    assert cell(html, "speed-5") == "5 minutes 2 152 20.0 750 ms"
    assert cell(html, "speed-15") == "15 minutes 3 183 17.1 1167 ms"


def test_no_answers_lately_shows_no_speed(client: Client, instructor: User) -> None:
    assert speed_over(5).tokens_per_second is None
    assert cell(page(client, instructor), "speed-5") == "5 minutes 0 0 — —"


def test_the_queue_counts_broker_messages_and_unfinished_requests(
    client: Client, instructor: User, student: User, add_two: Exercise, llm_queue, settings
) -> None:
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    before = int(cell(page(client, instructor), "broker-queue"))
    for number, key in enumerate(["llm", "llm", "llm", f"llm{KOMBU_PRIORITY_SEPARATOR}3"]):
        message = json.dumps({"test": "model page", "number": number})
        broker.lpush(key, message)
        llm_queue.append((key, message))
    broker.lpush("runner", "not ours")
    llm_queue.append(("runner", "not ours"))
    for status in ("queued", "queued", "running", "done"):
        AiRequest.objects.create(student=student, exercise=add_two, kind="ask", status=status)

    html = page(client, instructor)
    assert int(cell(html, "broker-queue")) == before + 4
    assert cell(html, "request-counts") == "2 / 1"


def test_an_unreachable_broker_is_said_plainly(client: Client, instructor: User, settings) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert "the broker (Redis) cannot be reached" in cell(page(client, instructor), "broker-queue")


def test_the_page_shows_what_the_worker_loaded(client: Client, instructor: User, settings):
    settings.LLM_MODEL_PATH = "/srv/models/stable-code-instruct-3b"
    publish_status(INFO, STATS)
    html = page(client, instructor)
    assert "The llm worker is up" in cell(html, "worker-state")
    for shown in (
        "stable-code-instruct-3b",
        "StableLmForCausalLM (stablelm)",
        "2.80 billion",
        "bf16",
        "the GPU supports bf16",
        "cuda",
        "5.59 GiB",
        "16384 tokens",
        "transformers: not a .gguf file",
    ):
        assert shown in html, shown
    assert "demo model" not in html


def test_a_worker_that_stopped_reporting_is_shown_as_gone(client: Client, instructor: User) -> None:
    publish_status(INFO, STATS)
    raw = redis_client().get(status_key())
    assert isinstance(raw, bytes)
    status = json.loads(raw)
    status["published_at"] = time.time() - 600
    redis_client().set(status_key(), json.dumps(status))
    assert "has not reported for 10" in cell(page(client, instructor), "worker-state")


def test_no_worker_and_a_load_error_are_said_plainly(client: Client, instructor: User) -> None:
    assert "No llm worker has reported yet" in cell(page(client, instructor), "worker-state")
    publish_load_error("/srv/models/x: no config.json")
    assert "could not load its model: /srv/models/x: no config.json" in page(client, instructor)
    publish_status(INFO, STATS)
    assert "could not load" not in page(client, instructor), "a later load clears the error"


def test_the_demo_model_gets_a_warning_and_the_install_command(
    client: Client, instructor: User, settings
) -> None:
    settings.LLM_MODEL_PATH = ""
    html = page(client, instructor)
    assert "The tutor runs the small embedded demo model." in html
    assert "manage.py model install" in html and "LABTUTOR_MODEL" in html


def test_the_worker_keeps_reporting_and_survives_a_failed_report() -> None:
    """The llm worker republishes its status, so an idle worker still shows as up."""
    published: list[EngineStats] = []
    failures = iter([redis.ConnectionError("Redis restarting"), None, None])

    def publish(info: ModelInfo, stats: EngineStats) -> None:
        error = next(failures)
        if error is not None:
            raise error
        published.append(stats)

    class Stop(Exception):
        pass

    sleeps = iter([None, None, None, Stop()])

    def sleep(seconds: float) -> None:
        assert seconds == worker.PUBLISH_EVERY_SECONDS
        step = next(sleeps)
        if step is not None:
            raise step

    engine = mock.Mock(stats=mock.Mock(return_value=STATS))
    with (
        mock.patch("tutor.assist.worker.time.sleep", sleep),
        mock.patch("tutor.assist.engine.get_engine", return_value=(engine, mock.Mock(info=INFO))),
        mock.patch("tutor.assist.model_status.publish_status", publish),
        pytest.raises(Stop),
    ):
        worker._keep_publishing()
    assert published == [STATS, STATS]
