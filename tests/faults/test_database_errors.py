"""A database that refuses writes (a full disk, a read-only file): a clear message, no crash.

The database really refuses here: SQLite's query_only pragma (PostgreSQL: read-only
transactions) on every connection makes each write fail inside the database driver, the way a
full disk or a read-only mount does. tests/faults/test_full_disk.py fills a real disk.
"""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.test import Client
from django.urls import reverse

from exercises.models import Draft, Exercise, Submission
from tests.sockets import end_closed
from tests.workspace.conftest import open_workspace
from tutor.outages import DATABASE_UNAVAILABLE, LIVE_UNAVAILABLE

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def _refuse_writes(wrapper: BaseDatabaseWrapper) -> None:
    with wrapper.cursor() as cursor:
        if wrapper.vendor == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET default_transaction_read_only = on")


def _on_connect(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    _refuse_writes(connection)


def refuse_writes_in_this_thread() -> None:
    """For the consumers' database thread, whose connection may predate writes_refused()."""
    _refuse_writes(connection)


def close_this_threads_connection() -> None:
    connection.close()


@contextmanager
def writes_refused() -> Iterator[None]:
    """Every connection opened from now on, in any thread, refuses to write; so does this
    thread's open one, unless this thread runs an event loop (an async test's connections live
    in the consumers' database thread: see refuse_writes_in_this_thread)."""
    in_event_loop = _running_loop()
    connection_created.connect(_on_connect)
    if not in_event_loop:
        for wrapper in connections.all(initialized_only=True):
            if wrapper.connection is not None:
                _refuse_writes(wrapper)
    try:
        yield
    finally:
        connection_created.disconnect(_on_connect)
        if not in_event_loop:
            # Connections carrying the pragma must not serve the rest of the test.
            for wrapper in connections.all(initialized_only=True):
                wrapper.close()


def _running_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def test_pages_that_write_answer_503_with_a_clear_message_and_reads_still_work(
    student: User, add_two: Exercise
) -> None:
    client = Client()
    client.force_login(student)
    with writes_refused():
        beacon = client.post(reverse("exercises:draft", args=["add-two"]), {"code": "x = 1"})
        listing = client.get(reverse("exercises:list"), HTTP_ACCEPT="text/html")
        login = Client().post(
            reverse("login"),
            {"username": "alice", "password": "alice-password"},
            HTTP_ACCEPT="text/html,application/xhtml+xml",
        )

    assert beacon.status_code == 503
    assert beacon.json() == {"error": DATABASE_UNAVAILABLE}
    assert beacon["Retry-After"] == "30"
    # Reading needs no disk space: the exercise list still shows.
    assert listing.status_code == 200
    assert login.status_code == 503
    page = login.content.decode()
    assert "temporarily unavailable" in page and "its disk may be full" in page
    assert Draft.objects.count() == 0


async def test_the_socket_answers_each_refused_write_with_an_error_and_stays_open(
    student: User, add_two: Exercise
) -> None:
    communicator, _ = await open_workspace(student)
    replies = []
    with writes_refused():
        await database_sync_to_async(refuse_writes_in_this_thread)()
        for message in (
            {"type": "draft", "code": "def add(a, b):\n    return a + b\n"},
            {"type": "run", "code": "def add(a, b):\n    return a + b\n"},
        ):
            await communicator.send_json_to(message)
            replies.append(await communicator.receive_json_from(timeout=10))
    await database_sync_to_async(close_this_threads_connection)()
    # The same socket goes on working once the database does.
    await communicator.send_json_to({"type": "draft", "code": "def add(a, b):\n    pass\n"})
    saved = await communicator.receive_json_from(timeout=10)
    await communicator.disconnect()

    assert replies == [{"type": "error", "message": DATABASE_UNAVAILABLE}] * 2
    assert saved["type"] == "draft_saved"
    assert await database_sync_to_async(Submission.objects.count)() == 0


async def test_a_redis_outage_mid_message_is_explained_and_the_page_told_to_reconnect(
    student: User, add_two: Exercise, monkeypatch: pytest.MonkeyPatch
) -> None:
    def redis_down(*args: Any, **kwargs: Any) -> None:
        raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("tutor.assist.consumers.request_help", redis_down)
    communicator, _ = await open_workspace(student)
    await communicator.send_json_to({"type": "help", "kind": "hint", "code": ""})
    error = await communicator.receive_json_from(timeout=10)
    closed = await communicator.receive_output(timeout=10)
    assert error == {"type": "error", "message": LIVE_UNAVAILABLE}
    assert closed == {"type": "websocket.close", "code": 1013}
    await end_closed(communicator, 1013)
