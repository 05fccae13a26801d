"""The AI help socket, through channels' WebsocketCommunicator and the real Redis layer."""

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User

from exercises.models import Exercise
from tests.workspace.conftest import open_workspace, receive_until
from tutor.assist.consumers import WATCHDOG_SECONDS
from tutor.assist.models import AiRequest
from tutor.assist.services.recovery import sweep_requests
from tutor.jobs import Recovery

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

ADD_TWO_FIRST_HINT = "Concept: a function gives back a value with return."


async def connected(user: User) -> WebsocketCommunicator:
    communicator, _ = await open_workspace(user)
    return communicator


def finished(message: dict[str, Any]) -> bool:
    return message["type"] == "request" and message["request"]["status"] in {
        "done",
        "failed",
        "cancelled",
    }


async def test_a_hint_streams_token_by_token_to_the_socket(
    tutor_model: Path,
    student: User,
    add_two: Exercise,
    worker_threads: list[threading.Thread],
) -> None:
    communicator = await connected(student)
    await communicator.send_json_to(
        {"type": "help", "kind": "hint", "code": "def add(a, b):\n    return a - b\n"}
    )
    messages = await receive_until(communicator, finished)
    await communicator.disconnect()

    deltas = [m for m in messages if m["type"] == "delta"]
    final = messages[-1]["request"]
    assert messages[0]["type"] == "request"
    assert messages[0]["request"]["status"] in {"queued", "running"}
    # The exercise's own hint comes with the very first message, before the model has written.
    assert messages[0]["request"]["authored_hint"] == ADD_TWO_FIRST_HINT
    assert final["status"] == "done" and final["hint_level"] == 1
    assert len(deltas) >= 2
    assert "".join(delta["text"] for delta in deltas) == final["reply"]


async def test_a_reconnecting_browser_catches_up_on_a_running_answer(
    student: User, add_two: Exercise
) -> None:
    from tutor.assist import streams

    ai_request = await database_sync_to_async(AiRequest.objects.create)(
        student=student, exercise=add_two, kind="hint", status="running"
    )
    await database_sync_to_async(streams.append_partial)(ai_request.pk, 1, "Think about ")
    communicator = await connected(student)
    await communicator.send_json_to({"type": "resume", "request_id": ai_request.pk})
    message = await communicator.receive_json_from(timeout=10)
    await communicator.disconnect()
    assert message["request"]["status"] == "running"
    assert message["request"]["reply"] == "Think about "
    assert message["request"]["seq"] == 1


async def test_a_dead_workers_answer_ended_by_a_watchdog_reaches_the_open_socket(
    student: User, add_two: Exercise
) -> None:
    """The socket only reads: the answer stays running until a worker's watchdog sweeps it, and
    then the student's open page is told."""
    ai_request = await database_sync_to_async(AiRequest.objects.create)(
        student=student, exercise=add_two, kind="hint", status="running"
    )
    communicator = await connected(student)
    await communicator.send_json_to({"type": "resume", "request_id": ai_request.pk})
    await receive_until(communicator, lambda m: m["type"] == "request", timeout=10)
    await asyncio.sleep(WATCHDOG_SECONDS + 1)  # a socket round: no recovery from here
    await database_sync_to_async(ai_request.refresh_from_db)()
    assert ai_request.status == "running"

    assert await database_sync_to_async(sweep_requests)() == {ai_request.pk: Recovery.FAILED}
    messages = await receive_until(communicator, finished, timeout=10)
    await communicator.disconnect()
    final = messages[-1]["request"]
    assert final["status"] == "failed"
    assert "stopped while answering" in final["error_message"]


async def test_waiting_students_see_their_place_in_the_queue(
    student: User, other_student: User, add_two: Exercise
) -> None:
    create = database_sync_to_async(AiRequest.objects.create)
    await create(student=other_student, exercise=add_two, kind="hint", status="queued")
    mine = await create(student=student, exercise=add_two, kind="hint", status="queued")
    communicator = await connected(student)
    await communicator.send_json_to({"type": "resume", "request_id": mine.pk})
    messages = await receive_until(communicator, lambda m: m["type"] == "queue", timeout=10)
    await communicator.disconnect()
    assert messages[-1]["position"] == 1
    assert messages[-1]["estimated_wait_seconds"] > 0


async def test_cancel_from_the_socket_stops_a_queued_request(
    student: User, add_two: Exercise
) -> None:
    ai_request = await database_sync_to_async(AiRequest.objects.create)(
        student=student, exercise=add_two, kind="hint", status="queued"
    )
    communicator = await connected(student)
    await communicator.send_json_to({"type": "resume", "request_id": ai_request.pk})
    await communicator.receive_json_from(timeout=10)
    await communicator.send_json_to({"type": "cancel", "request_id": ai_request.pk})
    messages = await receive_until(communicator, finished, timeout=10)
    await communicator.disconnect()
    assert messages[-1]["request"]["status"] == "cancelled"


async def test_students_cannot_follow_or_rate_each_others_requests(
    student: User, other_student: User, add_two: Exercise
) -> None:
    theirs = await database_sync_to_async(AiRequest.objects.create)(
        student=other_student, exercise=add_two, kind="hint", status="done", reply="secret"
    )
    communicator = await connected(student)
    for message in (
        {"type": "resume", "request_id": theirs.pk},
        {"type": "rate", "request_id": theirs.pk, "rating": 1},
        {"type": "cancel", "request_id": theirs.pk},
    ):
        await communicator.send_json_to(message)
    replies = [await communicator.receive_json_from(timeout=10) for _ in range(3)]
    await communicator.disconnect()
    assert all(reply["type"] == "error" for reply in replies)
    assert "secret" not in str(replies)
    refreshed = await database_sync_to_async(AiRequest.objects.get)(pk=theirs.pk)
    assert refreshed.rating is None and refreshed.status == "done"


async def test_bad_help_messages_get_clear_errors(student: User, add_two: Exercise) -> None:
    communicator = await connected(student)
    for message, expected in (
        ({"type": "help", "kind": "write-my-code"}, "Unknown kind of help"),
        ({"type": "cancel", "request_id": "7"}, "must be a number"),
        ({"type": "rate", "request_id": 7, "rating": 5}, "A rating is 1"),
        ({"type": "help", "kind": "ask", "code": "", "question": "why\x00"}, "NUL character"),
    ):
        await communicator.send_json_to(message)
        reply = await communicator.receive_json_from(timeout=10)
        assert reply["type"] == "error" and expected in reply["message"]
    await communicator.disconnect()
