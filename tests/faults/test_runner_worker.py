"""kill -9 the whole runner worker (main process and pool child) while it grades a submission."""

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from websockets import ClientConnection

from exercises.models import Exercise, Submission
from exercises.services.recovery import NO_GRADER
from tests.faults.stack import (
    PrivateRedis,
    Stack,
    login_cookie,
    next_message,
    open_socket,
    recovered,
    submission_in,
)

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(120),
]

# Sleeps long enough to be killed mid-grade, within the exercise's 3 s limit.
SLOW_BUT_RIGHT = "import time\ntime.sleep(2)\n\n\ndef add(a, b):\n    return a + b\n"


async def run_until_killed(stack: Stack, cookie: str) -> tuple[ClientConnection, float]:
    """Presses Run and kills the runner once the grading started; the socket and the moment."""
    socket, _ = await open_socket(stack.base_url, cookie)
    await socket.send(json.dumps({"type": "run", "code": SLOW_BUT_RIGHT}))
    await next_message(socket, submission_in("running"), timeout=60)
    await asyncio.sleep(0.5)  # inside the sandbox now
    stack.kill("runner")
    return socket, time.monotonic()


def test_a_submission_graded_by_a_killed_runner_is_graded_again_after_its_restart(
    private_redis: PrivateRedis, student: User, add_two: Exercise
) -> None:
    async def scenario(stack: Stack) -> tuple[dict[str, Any], list[dict[str, Any]], float]:
        cookie = login_cookie(stack.base_url, "alice", "alice-password")
        socket, killed_at = await run_until_killed(stack, cookie)
        stack.start("runner")  # as systemd's Restart=always does
        seen: list[dict[str, Any]] = []
        done = await next_message(socket, submission_in("done", "error"), timeout=60, seen=seen)
        await socket.close()
        return done["submission"], seen, time.monotonic() - killed_at

    with Stack(private_redis.url) as stack:
        stack.start("runner")
        stack.start("daphne")
        graded, seen, seconds = asyncio.run(scenario(stack))

    recovered("runner worker killed mid-grade, restarted, submission graded again", seconds)
    row = Submission.objects.get()
    assert graded["status"] == "done" and graded["passed"] is True
    assert row.status == "done" and row.grading_attempts == 2
    # The page was told along the way: back in the queue, then graded.
    statuses = [m["submission"]["status"] for m in seen[:-1]]
    changes = [s for i, s in enumerate(statuses) if i == 0 or s != statuses[i - 1]]
    assert changes[-2:] == ["queued", "running"], statuses
    assert seconds < 45


def test_with_the_runner_gone_for_good_the_student_gets_an_error_not_a_spinner(
    private_redis: PrivateRedis, student: User, add_two: Exercise, tiny_tutor_model: Path
) -> None:
    async def scenario(stack: Stack) -> tuple[dict[str, Any], float]:
        cookie = login_cookie(stack.base_url, "alice", "alice-password")
        socket, killed_at = await run_until_killed(stack, cookie)
        # No restart: the llm worker's watchdog is left to notice (it sweeps every queue).
        ended = await next_message(socket, submission_in("done", "error"), timeout=60)
        await socket.close()
        return ended["submission"], time.monotonic() - killed_at

    with Stack(private_redis.url, model=tiny_tutor_model) as stack:
        stack.start("runner")
        stack.start("llm")
        stack.start("daphne")
        ended, seconds = asyncio.run(scenario(stack))

    recovered("runner worker killed for good, student told no grader runs", seconds)
    row = Submission.objects.get()
    assert ended["status"] == "error" and ended["error_message"] == NO_GRADER
    assert row.status == "error" and row.code == SLOW_BUT_RIGHT
    assert seconds < 45
