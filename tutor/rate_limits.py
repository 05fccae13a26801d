"""Rate limits kept in Redis so every process counts together: AI requests, join-code guesses.

A sliding window: each hit is a member of a sorted set scored by its time; a hit is allowed
while fewer than `limit` members are younger than `window` seconds. The check and the count are
one Lua script, so two hits at once cannot both take the last place.
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
    requests: int  # 0 or less: no limit (settings: e.g. LABTUTOR_AI_RATE_LIMIT="0")
    seconds: float


def _run(key: str, limit: Limit, *, count: bool) -> float | None:
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


def hit_key(key: str, limit: Limit) -> float | None:
    """Counts one hit on `key`; None if allowed, else the seconds until one would be."""
    return _run(key, limit, count=True)


def wait_for(key: str, limit: Limit) -> float | None:
    """Like hit_key without counting: the seconds until a hit would be allowed, None if now."""
    return _run(key, limit, count=False)


def limit_key(bucket: str, subject: object) -> str:
    """The key of `subject`'s (an account id, an address) hits in `bucket` ("join", ...)."""
    return f"{settings.LIVE_STATE_PREFIX}:limits:{bucket}:{subject}"


def forget_all() -> None:
    """Tests: account ids restart in every test database, so their counts must too."""
    keys = list(redis_client().scan_iter(match=f"{settings.LIVE_STATE_PREFIX}:limits:*"))
    if keys:
        redis_client().delete(*keys)
