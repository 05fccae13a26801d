"""A real full disk under the SQLite database: clear messages, no crash, nothing lost.

The stack's database is a copy of the test database on a small tmpfs of its own (mounting one
needs root; elsewhere the test is skipped and tests/faults/test_database_errors.py still covers
the messages). A Run is being graded when the disk fills up: its result cannot be stored, and it
is graded again once there is room.
"""

import asyncio
import errno
import json
import os
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from exercises.models import Exercise
from tests.faults.stack import (
    PrivateRedis,
    Stack,
    fetch,
    login_cookie,
    next_message,
    open_socket,
    recovered,
    submission_in,
    wait_for_submission,
)
from tutor.outages import DATABASE_UNAVAILABLE

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(120),
]

SLOW = "import time\ntime.sleep(2)\n\n\ndef add(a, b):\n    return a + b\n"
ROOM_MB = 4


@pytest.fixture
def small_disk(tmp_path: Path, student: User, add_two: Exercise) -> Iterator[Path]:
    """A copy of the test database (with the student and the exercise) alone on a tmpfs with
    ROOM_MB to spare; unmounted after."""
    if connection.vendor != "sqlite":
        pytest.skip("fills the disk under a SQLite database file")
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    source = Path(connection.settings_dict["NAME"])
    size_mb = source.stat().st_size // 2**20 + ROOM_MB
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m,mode=700", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        with (
            closing(sqlite3.connect(source)) as original,
            closing(sqlite3.connect(disk / "db.sqlite3")) as copy,
        ):
            original.backup(copy)
            copy.execute("PRAGMA journal_mode=WAL")
        yield disk
    finally:
        if subprocess.run(["umount", str(disk)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path) -> Path:
    """Writes a file until the disk is full, after emptying the database's write-ahead log
    (SQLite reuses a log's space, so writes would fit there for a while)."""
    with closing(sqlite3.connect(disk / "db.sqlite3")) as database:
        for _ in range(50):
            busy, _, _ = database.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                break
            time.sleep(0.1)
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as error:
        assert error.errno == errno.ENOSPC, error
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_gives_clear_messages_and_loses_nothing(
    private_redis: PrivateRedis, small_disk: Path, student: User, add_two: Exercise
) -> None:
    database = small_disk / "db.sqlite3"

    async def scenario(stack: Stack) -> dict[str, Any]:
        cookie = login_cookie(stack.base_url, "alice", "alice-password")
        socket, _ = await open_socket(stack.base_url, cookie)
        await socket.send(json.dumps({"type": "run", "code": SLOW}))
        running = await next_message(socket, submission_in("running"), timeout=60)
        filler = fill(small_disk)

        replies = []
        for message in (
            {"type": "draft", "code": "def add(a, b):\n    return a - b\n"},
            {"type": "run", "code": "def add(a, b):\n    return a - b\n"},
            {"type": "ping"},
        ):
            await socket.send(json.dumps(message))
            replies.append(await next_message(socket, lambda m: m["type"] != "submission", 20))
        page = fetch(stack.base_url, "/exercises/add-two/", cookie)
        beacon = fetch(
            stack.base_url, "/exercises/add-two/draft/", cookie, {"code": "x = 1"}, accept="*/*"
        )
        # Time for the Run being graded to fail to store its result, and for the workers'
        # watchdogs to fail a few rounds: nothing may crash or restart.
        await asyncio.sleep(4)
        alive_while_full = stack.is_running("daphne") and stack.is_running("runner")

        filler.unlink()
        freed_at = time.monotonic()
        graded, socket = await wait_for_submission(
            stack.base_url, cookie, socket, running["submission"]["id"], 45
        )
        await socket.send(json.dumps({"type": "draft", "code": "def add(a, b):\n    pass\n"}))
        saved = await next_message(socket, lambda m: m["type"] != "submission", 20)
        await socket.close()
        return {
            "replies": replies,
            "page": page,
            "beacon": beacon,
            "alive_while_full": alive_while_full,
            "graded": graded,
            "graded_after": time.monotonic() - freed_at,
            "saved": saved,
        }

    with Stack(private_redis.url, LABTUTOR_DATABASE_URL=f"sqlite:///{database}") as stack:
        stack.start("runner")
        stack.start("daphne")
        result = asyncio.run(scenario(stack))

    recovered("disk full mid-grade, space freed, the Run graded again", result["graded_after"])
    draft_error, run_error, pong = result["replies"]
    assert draft_error == {"type": "error", "message": DATABASE_UNAVAILABLE}
    assert run_error == {"type": "error", "message": DATABASE_UNAVAILABLE}
    assert pong == {"type": "pong"}  # the same socket still serves
    assert result["page"][0] == 200  # reading needs no room
    status, body, _ = result["beacon"]
    assert status == 503 and json.loads(body) == {"error": DATABASE_UNAVAILABLE}
    assert result["alive_while_full"]
    assert result["graded"]["status"] == "done" and result["graded"]["passed"] is True
    assert result["saved"]["type"] == "draft_saved"
    with closing(sqlite3.connect(database)) as copy:
        rows = copy.execute("SELECT status, grading_attempts FROM exercises_submission").fetchall()
    assert rows == [("done", 2)]
