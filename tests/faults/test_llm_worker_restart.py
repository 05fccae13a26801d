"""kill -9 the whole llm worker mid-answer: the student is told (by the runner worker's watchdog,
which sweeps the llm queue too), and asks again once it is back.

tests/integration/test_llm_worker.py covers the notice through an in-process socket; here the
socket is a real client of a real daphne, and the worker comes back for the next request.
"""

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from exercises.models import Exercise
from tests.faults.stack import (
    PrivateRedis,
    Stack,
    login_cookie,
    next_message,
    open_socket,
    recovered,
    request_in,
)
from tutor.assist.models import AiRequest
from tutor.assist.services.recovery import WORKER_LOST_MESSAGE

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(150),
]

HINT = json.dumps({"type": "help", "kind": "hint", "code": "def add(a, b):\n    pass\n"})


def test_a_killed_llm_worker_fails_the_answer_within_seconds_and_the_next_one_works(
    private_redis: PrivateRedis, student: User, add_two: Exercise, tiny_tutor_model: Path
) -> None:
    async def scenario(stack: Stack) -> dict[str, Any]:
        cookie = login_cookie(stack.base_url, "alice", "alice-password")
        socket, _ = await open_socket(stack.base_url, cookie)
        await socket.send(HINT)
        # The model loads in the new worker first: allow for it.
        await next_message(socket, lambda m: m["type"] == "delta", timeout=90)
        stack.kill("llm")
        killed_at = time.monotonic()
        failed = await next_message(socket, request_in("done", "failed", "cancelled"), 30)
        told_after = time.monotonic() - killed_at

        stack.start("llm")  # as systemd's Restart=always does
        await socket.send(HINT)
        answered = await next_message(socket, request_in("done", "failed", "cancelled"), 90)
        await socket.close()
        return {
            "failed": failed["request"],
            "told_after": told_after,
            "answered": answered["request"],
            "recovered_after": time.monotonic() - killed_at,
        }

    with Stack(private_redis.url, model=tiny_tutor_model) as stack:
        stack.start("llm")
        stack.start("runner")
        stack.start("daphne")
        result = asyncio.run(scenario(stack))

    recovered("llm worker killed mid-answer, student told", result["told_after"])
    recovered("llm worker killed, restarted, next answer streamed", result["recovered_after"])
    assert result["failed"]["status"] == "failed"
    assert result["failed"]["error_message"] == WORKER_LOST_MESSAGE
    assert result["told_after"] < 15
    assert result["answered"]["status"] == "done" and result["answered"]["reply"]
    statuses = list(AiRequest.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["failed", "done"]
