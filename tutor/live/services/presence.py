"""Which students have an exercise page open, kept in Redis with a TTL.

Each open page (one workspace socket) is a member "<channel name>|<exercise id>" of a sorted set
per student, scored with the time it was last seen. A page is online while it was seen in the
last PRESENCE_TTL_SECONDS: a server that died without a disconnect leaves nothing behind for
longer than that. The student is on the exercise of the page seen most recently.
"""

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import redis
from asgiref.sync import sync_to_async
from django.conf import settings

from tutor.redis_client import redis_client

logger = logging.getLogger(__name__)

PRESENCE_TTL_SECONDS = 120


def _key(student_id: int) -> str:
    return f"{settings.LIVE_STATE_PREFIX}:live:presence:{student_id}"


def _member(connection: str, exercise_id: int) -> str:
    return f"{connection}|{exercise_id}"


def mark_online(student_id: int, exercise_id: int, connection: str) -> None:
    """Marks (or keeps) one page online; call on connect and on each message."""
    now = time.time()
    key = _key(student_id)
    pipeline = redis_client().pipeline()
    pipeline.zadd(key, {_member(connection, exercise_id): now})
    pipeline.zremrangebyscore(key, "-inf", now - PRESENCE_TTL_SECONDS)
    pipeline.expire(key, PRESENCE_TTL_SECONDS)
    pipeline.execute()


def mark_offline(student_id: int, exercise_id: int, connection: str) -> None:
    redis_client().zrem(_key(student_id), _member(connection, exercise_id))


def open_exercises(student_ids: Iterable[int]) -> dict[int, int]:
    """Student id -> the exercise id of their most recently seen open page; one round trip."""
    ids = list(student_ids)
    if not ids:
        return {}
    since = time.time() - PRESENCE_TTL_SECONDS
    pipeline = redis_client().pipeline()
    for student_id in ids:
        pipeline.zrevrangebyscore(_key(student_id), "+inf", since, start=0, num=1)
    try:
        results = pipeline.execute()
    except redis.RedisError as error:
        # Redis restarting: nobody shows as online, and the instructor's page still loads
        # with everything the database knows.
        logger.warning("Presence unavailable: %s", error)
        return {}
    found: dict[int, int] = {}
    for student_id, members in zip(ids, results, strict=True):
        if members:
            member = members[0].decode() if isinstance(members[0], bytes) else str(members[0])
            found[student_id] = int(member.rpartition("|")[2])
    return found


def forget_all() -> None:
    """Tests: user ids restart in every test database, so presence must too."""
    client = redis_client()
    keys = list(client.scan_iter(match=f"{settings.LIVE_STATE_PREFIX}:live:*"))
    if keys:
        client.delete(*keys)


# ---- Hooks for the workspace socket: never raise, a page must work without the live view ----

REFRESH_SECONDS = 30.0
_last_refresh: dict[str, float] = {}


async def page_opened(student_id: int, exercise_id: int, connection: str) -> None:
    from tutor.live.services.notify import anotify_student_changed

    if await _safely(mark_online, student_id, exercise_id, connection):
        _last_refresh[connection] = time.monotonic()
    await anotify_student_changed(student_id)


async def page_seen(student_id: int, exercise_id: int, connection: str) -> None:
    """A message from the page: refresh its TTL, at most every REFRESH_SECONDS."""
    now = time.monotonic()
    if now - _last_refresh.get(connection, 0.0) < REFRESH_SECONDS:
        return
    if await _safely(mark_online, student_id, exercise_id, connection):
        _last_refresh[connection] = now


async def page_closed(student_id: int, exercise_id: int, connection: str) -> None:
    from tutor.live.services.notify import anotify_student_changed

    _last_refresh.pop(connection, None)
    await _safely(mark_offline, student_id, exercise_id, connection)
    await anotify_student_changed(student_id)


async def _safely(function: Callable[[int, int, str], None], *args: Any) -> bool:
    try:
        await sync_to_async(function, thread_sensitive=False)(*args)
    except Exception:
        logger.warning("Could not record the presence of student %s", args[0], exc_info=True)
        return False
    return True
