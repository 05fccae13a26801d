"""The one Redis client of a process, for LabTutor's own live state.

Answers in progress (tutor/assist/streams.py), worker and grader heartbeats, presence and rate
limits keep short-lived state here, beside the channel layer (which has its own connections).
"""

from functools import cache

import redis
from django.conf import settings


@cache
def redis_client() -> redis.Redis:
    # A connect timeout too: a Redis host that vanished from the network must fail fast.
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=3)
