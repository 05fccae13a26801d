"""Per-student rate limits (AI requests, Runs and Submits, join-code guesses), kept in Redis
so every process counts together.

A sliding window: each request is a member of a sorted set scored by its time; a request is
allowed while fewer than `limit` members are younger than `window` seconds. The check and the
count are one Lua script, so two requests at once cannot both take the last place.
"""

import time
import uuid
from dataclasses import dataclass

from django.conf import settings

from tutor.redis_client import redis_client

_SLIDING_WINDOW = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return tostring(tonumber(oldest[2]) + window - now)
end
if ARGV[5] == '1' then
    redis.call('ZADD', key, now, ARGV[4])
    redis.call('EXPIRE', key, math.ceil(window))
end
return '0'
"""


@dataclass(frozen=True)
class Limit:
    requests: int  # 0 or less: no limit (settings: LABTUTOR_AI_RATE_LIMIT="0")
    seconds: float


def _key(bucket: str, user_id: int) -> str:
    # Under the answers' "ai:" prefix, so streams.forget_all() clears these in tests too.
    return f"{settings.LIVE_STATE_PREFIX}:ai:rate:{bucket}:{user_id}"


def submission_key(user_id: int) -> str:
    return f"{settings.LIVE_STATE_PREFIX}:grading:rate:{user_id}"


def hit(bucket: str, user_id: int, limit: Limit) -> float | None:
    """Counts one request; None if allowed, else the seconds until one would be."""
    return _hit_key(_key(bucket, user_id), limit)


def _hit_key(key: str, limit: Limit, *, count: bool = True) -> float | None:
    """Counts one hit on `key` (with count False: only looks); None if allowed, else the
    seconds until a hit would be."""
    if limit.requests <= 0:
        return None
    retry_after = redis_client().eval(
        _SLIDING_WINDOW,
        1,
        key,
        repr(time.time()),
        repr(limit.seconds),
        str(limit.requests),
        uuid.uuid4().hex,
        "1" if count else "0",
    )
    seconds = float(retry_after)
    return None if seconds <= 0 else max(seconds, 0.1)


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


def refund_ai_request(user_id: int, kind: str) -> None:
    """Gives back one request's place: one the tutor declined or failed to answer gave the
    student nothing, so it must not make them "ask too often" (every place counts alike, so
    the newest is given back)."""
    redis_client().zpopmax(_key("complete" if kind == "complete" else "help", user_id))


def hit_submission(user_id: int) -> float | None:
    """Runs and Submits share one bucket: each is a sandbox run (two, for a Submit)."""
    limit = Limit(settings.SUBMISSION_RATE_LIMIT_REQUESTS, settings.SUBMISSION_RATE_LIMIT_SECONDS)
    return _hit_key(submission_key(user_id), limit)


def join_guess_key(user_id: int) -> str:
    return f"{settings.LIVE_STATE_PREFIX}:limits:join:{user_id}"


def join_code_limit() -> Limit:
    return Limit(settings.JOIN_CODE_GUESSES, settings.JOIN_CODE_GUESS_SECONDS)


def join_guess_wait(user_id: int) -> float | None:
    """Seconds until the account may try a join code again; None: now (nothing counted)."""
    return _hit_key(join_guess_key(user_id), join_code_limit(), count=False)


def count_wrong_join_code(user_id: int) -> None:
    _hit_key(join_guess_key(user_id), join_code_limit())


def forget_join_guesses() -> None:
    """Tests: account ids restart in every test database, so their counts must too."""
    keys = list(redis_client().scan_iter(match=f"{settings.LIVE_STATE_PREFIX}:limits:*"))
    if keys:
        redis_client().delete(*keys)


def reset(user_id: int) -> None:
    redis_client().delete(_key("help", user_id), _key("complete", user_id), submission_key(user_id))
