"""The lifecycle that grading and AI answers share, written once.

A job is a row in the database (a Submission, an AiRequest): queued, then claimed and running,
then finished. Its live state is in Redis beside it: while a worker runs the job it renews a
short-lived "alive" key (a thread of its own beats while the worker blocks, tutor/heartbeat.py),
so a running job without one lost its worker; a "requeued" key lets one process alone send a
lost job again. Every worker's watchdog (tutor/watchdog.py) sweeps the jobs that look stuck and
lets each kind's recovery decide, with the row locked, what to do with each.
"""

import math
from collections.abc import Callable
from contextlib import AbstractContextManager
from enum import StrEnum

from django.conf import settings

from tutor import heartbeat
from tutor.redis_client import redis_client


class Recovery(StrEnum):
    """What a sweep did to one piece of stuck work."""

    REQUEUED = "requeued"
    FAILED = "failed"


class LiveJobs:
    """The live state of one kind of job in Redis, under LIVE_STATE_PREFIX:<kind>:<id>:<what>."""

    def __init__(self, kind: str, *, heartbeat_ttl_seconds: int, beat_every_seconds: float) -> None:
        self.kind = kind
        self.heartbeat_ttl_seconds = heartbeat_ttl_seconds
        self.beat_every_seconds = beat_every_seconds

    def key(self, job_id: int, what: str) -> str:
        return f"{settings.LIVE_STATE_PREFIX}:{self.kind}:{job_id}:{what}"

    def beat(self, job_id: int) -> None:
        redis_client().set(self.key(job_id, "alive"), b"1", ex=self.heartbeat_ttl_seconds)

    def is_alive(self, job_id: int) -> bool:
        return bool(redis_client().exists(self.key(job_id, "alive")))

    def beating(
        self, job_id: int, at_most_seconds: float = math.inf
    ) -> AbstractContextManager[None]:
        """Renews the job's heartbeat while the block runs, for at most at_most_seconds."""
        return heartbeat.beating(
            lambda: self.beat(job_id),
            self.beat_every_seconds,
            f"{self.kind}-heartbeat-{job_id}",
            at_most_seconds,
        )

    def claim_requeue(self, job_id: int, seconds: float) -> bool:
        """True for the first caller in `seconds`: only one process re-enqueues a lost job."""
        key = self.key(job_id, "requeued")
        return bool(redis_client().set(key, b"1", nx=True, ex=max(1, round(seconds))))

    def requeued_recently(self, job_id: int) -> bool:
        return bool(redis_client().exists(self.key(job_id, "requeued")))

    def forget(self, job_id: int, *more: str) -> None:
        """The job is finished and stored in its row: its live state can go."""
        redis_client().delete(*(self.key(job_id, what) for what in ("alive", "requeued", *more)))

    def forget_all(self) -> None:
        """Clears the live state of every job of this kind (the test suite, between tests)."""
        keys = list(redis_client().scan_iter(match=f"{settings.LIVE_STATE_PREFIX}:{self.kind}:*"))
        if keys:
            redis_client().delete(*keys)


def sweep(candidates: list[int], recover: Callable[[int], Recovery | None]) -> dict[int, Recovery]:
    """Lets `recover` decide on each candidate; what was done to each, by id."""
    done: dict[int, Recovery] = {}
    for job_id in candidates:
        action = recover(job_id)
        if action is not None:
            done[job_id] = action
    return done
