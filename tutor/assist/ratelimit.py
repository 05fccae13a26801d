"""Per-student rate limits on AI requests, on the shared sliding window (tutor/rate_limits.py)."""

from django.conf import settings

from tutor.rate_limits import Limit, hit_key
from tutor.redis_client import redis_client

__all__ = ["Limit", "hit", "hit_ai_request", "reset"]


def _key(bucket: str, user_id: int) -> str:
    # Under the answers' "ai:" prefix, so streams.forget_all() clears these in tests too.
    return f"{settings.LIVE_STATE_PREFIX}:ai:rate:{bucket}:{user_id}"


def hit(bucket: str, user_id: int, limit: Limit) -> float | None:
    """Counts one request; None if allowed, else the seconds until one would be."""
    return hit_key(_key(bucket, user_id), limit)


def hit_ai_request(user_id: int, kind: str) -> float | None:
    """Inline completions fire as the student types: they have their own, larger bucket."""
    if kind == "complete":
        return hit(
            "complete",
            user_id,
            Limit(
                settings.LLM_COMPLETION_RATE_LIMIT_REQUESTS,
                settings.LLM_COMPLETION_RATE_LIMIT_SECONDS,
            ),
        )
    return hit(
        "help",
        user_id,
        Limit(settings.LLM_RATE_LIMIT_REQUESTS, settings.LLM_RATE_LIMIT_SECONDS),
    )


def reset(user_id: int) -> None:
    redis_client().delete(_key("help", user_id), _key("complete", user_id))
