"""Live state of submissions being graded, kept in Redis beside the answers' (tutor/assist/streams).

While a runner worker grades a submission it renews a short-lived "alive" key; a submission that
is "running" without one lost its worker (killed, out of memory, its machine gone), so the
watchdog can grade it again at once instead of waiting for the broker's visibility timeout.
"""

from contextlib import AbstractContextManager

from django.conf import settings

from tutor import heartbeat
from tutor.redis_client import redis_client

BEAT_SECONDS = 2.0
HEARTBEAT_TTL_SECONDS = 6


def _key(submission_id: int, what: str) -> str:
    return f"{settings.LIVE_STATE_PREFIX}:grading:{submission_id}:{what}"


def beat(submission_id: int) -> None:
    redis_client().set(_key(submission_id, "alive"), b"1", ex=HEARTBEAT_TTL_SECONDS)


def is_alive(submission_id: int) -> bool:
    return bool(redis_client().exists(_key(submission_id, "alive")))


def forget(submission_id: int) -> None:
    redis_client().delete(_key(submission_id, "alive"), _key(submission_id, "requeued"))


def claim_requeue(submission_id: int, seconds: float) -> bool:
    """True for the first caller in `seconds`: only one process re-enqueues a submission."""
    return bool(
        redis_client().set(
            _key(submission_id, "requeued"), b"1", nx=True, ex=max(1, round(seconds))
        )
    )


def requeued_recently(submission_id: int) -> bool:
    return bool(redis_client().exists(_key(submission_id, "requeued")))


def beating(submission_id: int) -> AbstractContextManager[None]:
    """Renews the submission's heartbeat while the block runs (the sandbox run)."""
    return heartbeat.beating(
        lambda: beat(submission_id), BEAT_SECONDS, f"grading-heartbeat-{submission_id}"
    )
