"""A real llm Celery worker (thread pool, tiny model) streams to a socket; killing it is noticed
by the other worker's watchdog (the socket itself only reads)."""

import asyncio
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User

from exercises.models import Exercise
from tests.real_stack import stack_environment, start_worker, stop
from tests.workspace.conftest import open_workspace
from tutor.celery import app as celery_app

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def llm_worker(tiny_tutor_model: Path) -> Iterator[subprocess.Popen[bytes]]:
    celery_app.control.purge()
    env = stack_environment(
        LABTUTOR_MODEL=str(tiny_tutor_model),
        LABTUTOR_MODEL_PRECISION="fp32",
        LABTUTOR_MODEL_DEVICE="cpu",
        LABTUTOR_LLM_MAX_NEW_TOKENS="2000",
        LABTUTOR_GUARD="0",  # random weights write garbage the guard holds back as code
    )
    worker = start_worker("llm", env, "--pool", "threads", "--concurrency", "4")
    yield worker
    stop(worker)


@pytest.fixture
def runner_worker() -> Iterator[subprocess.Popen[bytes]]:
    """A lab server's other worker; its watchdog sweeps the llm queue's stuck answers too."""
    worker = start_worker(
        "runner",
        stack_environment(LABTUTOR_WATCHDOG_SECONDS="1"),
        "--pool",
        "prefork",
        "--concurrency",
        "1",
    )
    yield worker
    stop(worker)


async def help_socket(student: User) -> WebsocketCommunicator:
    communicator, _ = await open_workspace(student)
    await communicator.send_json_to({"type": "help", "kind": "hint", "code": "def add(a, b):\n"})
    return communicator


async def next_of(communicator: WebsocketCommunicator, kind: str, timeout: float) -> dict[str, Any]:
    seen: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(timeout):
            while True:
                message = await communicator.receive_json_from(timeout=timeout)
                if message["type"] == kind:
                    return message
                seen.append(message)
    except TimeoutError:
        # What came instead says why (a declined or shared answer, an error, nothing at all).
        raise AssertionError(f"no {kind!r} message within {timeout} s; received: {seen}") from None


async def test_a_real_worker_streams_a_hint_to_the_socket(
    llm_worker: subprocess.Popen[bytes], student: User, add_two: Exercise
) -> None:
    communicator = await help_socket(student)
    deltas = [await next_of(communicator, "delta", timeout=60) for _ in range(3)]
    assert [delta["seq"] for delta in deltas] == [1, 2, 3]
    await communicator.send_json_to({"type": "cancel", "request_id": deltas[0]["request_id"]})
    while (message := await next_of(communicator, "request", timeout=10))["request"][
        "status"
    ] == "running":
        pass
    await communicator.disconnect()
    assert message["request"]["status"] == "cancelled"
    assert message["request"]["reply"].startswith("".join(delta["text"] for delta in deltas))


async def test_killing_the_worker_mid_answer_tells_the_student_within_seconds(
    llm_worker: subprocess.Popen[bytes],
    runner_worker: subprocess.Popen[bytes],
    student: User,
    add_two: Exercise,
) -> None:
    communicator = await help_socket(student)
    await next_of(communicator, "delta", timeout=60)
    llm_worker.send_signal(signal.SIGKILL)
    loop = asyncio.get_running_loop()
    killed_at = loop.time()
    while (message := await next_of(communicator, "request", timeout=15))["request"][
        "status"
    ] == "running":
        pass
    noticed_after = loop.time() - killed_at
    await communicator.disconnect()
    assert message["request"]["status"] == "failed"
    assert "stopped while answering" in message["request"]["error_message"]
    assert noticed_after < 12
