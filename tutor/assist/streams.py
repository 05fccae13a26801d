"""Live state of answers being generated, kept in Redis beside the channel layer.

The partial text lets a browser that reconnects mid-answer catch up; the heartbeat lets anyone
tell a worker that died from one that is still thinking; the cancel flag reaches the worker
thread that generates the answer without a round trip through the database. The heartbeat and
the requeue claim are the job lifecycle grading shares (tutor/jobs.py).
"""

from contextlib import AbstractContextManager

from tutor.jobs import LiveJobs
from tutor.redis_client import redis_client

ANSWERS = LiveJobs("ai", heartbeat_ttl_seconds=6, beat_every_seconds=1.0)
PARTIAL_TTL_SECONDS = 3600
_key = ANSWERS.key
beat = ANSWERS.beat
is_alive = ANSWERS.is_alive
claim_requeue = ANSWERS.claim_requeue
forget_all = ANSWERS.forget_all


def append_partial(request_id: int, seq: int, text: str) -> None:
    """Adds delta number seq to the answer so far, in one step with its number."""
    pipeline = redis_client().pipeline()
    pipeline.append(_key(request_id, "partial"), text.encode())
    pipeline.set(_key(request_id, "seq"), seq)
    for what in ("partial", "seq"):
        pipeline.expire(_key(request_id, what), PARTIAL_TTL_SECONDS)
    pipeline.set(_key(request_id, "alive"), b"1", ex=ANSWERS.heartbeat_ttl_seconds)
    pipeline.execute()


def partial_text(request_id: int) -> tuple[str, int]:
    """The answer so far and the seq of its last delta (0 before the first)."""
    text, seq = redis_client().mget(_key(request_id, "partial"), _key(request_id, "seq"))
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return text or "", int(seq or 0)


def beating(request_id: int, at_most_seconds: float) -> AbstractContextManager[None]:
    """Keeps the request's heartbeat while the block runs: the generating thread cannot beat
    while it waits, e.g. while the guard runs a code block of the reply in the sandbox, and a
    request whose heartbeat lapsed is failed as if its worker had died."""
    return ANSWERS.beating(request_id, at_most_seconds)


def request_cancel(request_id: int) -> None:
    redis_client().set(_key(request_id, "cancel"), b"1", ex=PARTIAL_TTL_SECONDS)


def is_cancel_requested(request_id: int) -> bool:
    return bool(redis_client().exists(_key(request_id, "cancel")))


def forget(request_id: int) -> None:
    """The answer is stored in its row now; its live state can go."""
    ANSWERS.forget(request_id, "cancel", "partial", "seq", "watched")


WATCH_TTL_SECONDS = 10


def mark_watched(request_id: int) -> None:
    """A socket is following this answer; a tab closed for good stops renewing this."""
    redis_client().set(_key(request_id, "watched"), b"1", ex=WATCH_TTL_SECONDS)


def is_watched(request_id: int) -> bool:
    return bool(redis_client().exists(_key(request_id, "watched")))
