import threading
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection
from django.test import override_settings

from tutor.assist import streams
from tutor.assist.answer_speed import speed_key
from tutor.assist.engine import reset_engine
from tutor.assist.services.generation import generate_reply


@pytest.fixture(autouse=True)
def fresh_live_state() -> Iterator[None]:
    """Request ids restart in every test database; their live state in Redis must too, and so
    must the model speed a worker measured (answer_speed.py)."""
    streams.forget_all()
    streams.redis_client().delete(speed_key())
    yield
    streams.forget_all()
    streams.redis_client().delete(speed_key())


@pytest.fixture
def tutor_model(tiny_tutor_model: Path) -> Iterator[Path]:
    """The site's model is the tiny one; each test starts with a freshly loaded engine."""
    reset_engine()
    with override_settings(
        LLM_MODEL_PATH=str(tiny_tutor_model),
        LLM_PRECISION="fp32",
        LLM_DEVICE="cpu",
        LLM_MAX_NEW_TOKENS=24,
        # Random weights write garbage that the guard rightly holds back as possible code;
        # tests/assist/test_guarded_answers.py runs the guard on scripted replies instead.
        GUARD_ENABLED=False,
    ):
        yield tiny_tutor_model
    reset_engine()


@pytest.fixture
def worker_threads() -> Iterator[list[threading.Thread]]:
    """Stands in for the llm worker: each enqueued request is generated in its own thread."""
    threads: list[threading.Thread] = []

    def work(request_id: int) -> None:
        try:
            generate_reply(request_id)
        finally:
            connection.close()

    def enqueue(request_id: int) -> None:
        thread = threading.Thread(target=work, args=(request_id,))
        threads.append(thread)
        thread.start()

    with mock.patch("tutor.assist.services.lifecycle.enqueue_generation", enqueue):
        yield threads
    for thread in threads:
        thread.join(timeout=30)
