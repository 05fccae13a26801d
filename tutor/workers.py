"""Which Celery workers are alive, as seen from any process, kept in Redis.

Every worker's watchdog (tutor/watchdog.py) stamps the time into a sorted set per queue it
consumes. A queue whose newest stamp is old has no live worker: work waiting for it will not
start, and the student should be told so rather than watch a spinner.

Redis without persistence forgets these stamps (and the heartbeats of running work) when it
restarts; `redis_restarted_within` lets a caller hold back from calling anything dead until the
survivors have had time to stamp again.
"""

import time

from django.conf import settings

from tutor.redis_client import redis_client


def _key(queue: str) -> str:
    return f"{settings.LIVE_STATE_PREFIX}:workers:{queue}"


def mark_alive(queue: str, worker: str) -> None:
    now = time.time()
    pipeline = redis_client().pipeline()
    pipeline.zadd(_key(queue), {worker: now})
    # Workers that stopped long ago need not stay listed.
    pipeline.zremrangebyscore(_key(queue), "-inf", now - 24 * 3600)
    pipeline.execute()


def mark_gone(queue: str, worker: str) -> None:
    """A worker that shuts down cleanly says so, so that nobody waits for it."""
    redis_client().zrem(_key(queue), worker)


def last_seen(queue: str) -> float | None:
    """The Unix time a worker of this queue last said it was alive; None if none ever did."""
    newest = redis_client().zrevrange(_key(queue), 0, 0, withscores=True)
    return float(newest[0][1]) if newest else None


def no_worker_for(queue: str, seconds: float) -> bool:
    """True when no worker of the queue has been alive for the last `seconds`.

    False while Redis itself is younger than that: its stamps were lost with the restart.
    """
    if redis_restarted_within(seconds):
        return False
    seen = last_seen(queue)
    return seen is None or seen < time.time() - seconds


def redis_restarted_within(seconds: float) -> bool:
    uptime = redis_client().info("server").get("uptime_in_seconds", 0)
    return float(uptime) < seconds
