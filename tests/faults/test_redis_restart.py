"""Restart Redis (no persistence, as in a lab) under a running site: it recovers by itself.

Redis holds the Celery queues, the channel layer's groups and the live state; a restart loses
all of them. Pages must keep answering meanwhile, sockets must come back, new Runs must be
graded, and a Run whose queued message died with Redis must still be graded.
"""

import asyncio
import json
import time
from typing import Any

import pytest
import websockets
from django.contrib.auth.models import User

from exercises.models import Exercise, Submission
from tests.faults.stack import (
    PrivateRedis,
    Stack,
    fetch,
    login_cookie,
    next_message,
    open_socket,
    reconnect,
    recovered,
    submission_in,
    wait_for_submission,
)
from tutor.courses.models import Course

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(150),
]

SLOW = "import time\ntime.sleep(2)\n\n\ndef add(a, b):\n    return a + b\n"
RIGHT = "def add(a, b):\n    return a + b\n"


def run(code: str) -> str:
    return json.dumps({"type": "run", "code": code})


def test_a_redis_restart_mid_session_heals_without_restarting_the_site(
    private_redis: PrivateRedis, student: User, add_two: Exercise, course: Course
) -> None:
    async def scenario(stack: Stack) -> dict[str, Any]:
        cookie = login_cookie(stack.base_url, "alice", "alice-password")
        teacher = login_cookie(stack.base_url, "teacher", "teacher-password")
        socket, _ = await open_socket(stack.base_url, cookie)
        await socket.send(run(SLOW))
        await next_message(socket, submission_in("running"), timeout=60)
        # Queued behind the slow one: its message is in Redis when Redis goes.
        await socket.send(run(RIGHT + "\n"))
        queued = await next_message(socket, submission_in("queued"), timeout=20)

        private_redis.stop()
        down_at = time.monotonic()
        with pytest.raises(websockets.ConnectionClosed):
            await next_message(socket, lambda m: False, timeout=10)
        socket_dropped_after = time.monotonic() - down_at
        page_while_down = fetch(stack.base_url, "/exercises/add-two/", cookie)
        # The instructor's live view asks Redis who is online: it shows the rest.
        live_while_down = fetch(stack.base_url, f"/courses/{course.slug}/live/", teacher)
        socket_while_down: BaseException | None = None
        started = time.monotonic()
        try:
            await (await open_socket(stack.base_url, cookie, timeout=10))[0].close()
        except (OSError, TimeoutError, websockets.WebSocketException) as error:
            socket_while_down = error
        refused_after = time.monotonic() - started

        private_redis.start()
        up_at = time.monotonic()
        socket, hello, failures = await reconnect(stack.base_url, cookie, seconds=30)
        hello_after = time.monotonic() - up_at
        page_after = fetch(stack.base_url, "/exercises/add-two/", cookie)
        # The Run queued before the restart: its message is gone, its row is not.
        lost_id = queued["submission"]["id"]
        assert hello["latest_submission"]["id"] == lost_id
        # Sockets opened just after the restart may drop once more (the channel layer finds
        # its pooled connections dead): the page reconnects, and so does this client.
        lost, socket = await wait_for_submission(stack.base_url, cookie, socket, lost_id, 45)
        lost_after = time.monotonic() - up_at
        await socket.send(run(RIGHT + "\n\n"))
        fresh = await next_message(socket, submission_in("done", "error"), timeout=45)
        fresh_after = time.monotonic() - up_at
        await socket.close()
        return {
            "socket_dropped_after": socket_dropped_after,
            "page_while_down": page_while_down,
            "live_while_down": live_while_down,
            "socket_while_down": socket_while_down,
            "refused_after": refused_after,
            "hello_after": hello_after,
            "failures": failures,
            "page_after": page_after,
            "lost": lost,
            "lost_after": lost_after,
            "fresh": fresh["submission"],
            "fresh_after": fresh_after,
        }

    with Stack(private_redis.url) as stack:
        stack.start("runner")
        stack.start("daphne")
        result = asyncio.run(scenario(stack))
        site_kept_running = stack.is_running("daphne") and stack.is_running("runner")

    status, body, seconds = result["page_while_down"]
    print(f"\n[fault] page load while Redis is down: HTTP {status} in {seconds:.2f} s")
    recovered("Redis restarted, workspace socket reconnected", result["hello_after"])
    recovered("Redis restarted, a new Run graded", result["fresh_after"])
    recovered("Redis restarted, the Run queued in the lost Redis graded", result["lost_after"])

    # While Redis is down: the socket is dropped (the page reconnects), pages still answer.
    assert result["socket_dropped_after"] < 10
    assert status == 200 and "Add two numbers" in body and seconds < 5
    live_status, live_body, live_seconds = result["live_while_down"]
    assert live_status == 200 and "alice" in live_body and live_seconds < 5
    assert result["socket_while_down"] is not None and result["refused_after"] < 12
    # After: without restarting daphne or the worker.
    assert site_kept_running
    assert result["page_after"][0] == 200
    assert result["hello_after"] < 20
    assert result["fresh"]["status"] == "done" and result["fresh"]["passed"] is True
    assert result["lost"]["status"] == "done" and result["lost"]["passed"] is True
    statuses = list(Submission.objects.values_list("status", flat=True))
    assert statuses == ["done"] * 3
