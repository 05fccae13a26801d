"""Fault tests: kill workers, restart Redis and daphne, fill the disk; see tests/faults/stack.py."""

from collections.abc import Iterator

import pytest
from django.conf import settings

from tests.faults.stack import PrivateRedis
from tutor.redis_client import redis_client


@pytest.fixture(autouse=True)
def fresh_recovery_state() -> Iterator[None]:
    """Ids restart in every test database: heartbeats, requeue marks and worker stamps too."""
    _forget_recovery_state()
    yield
    _forget_recovery_state()


def _forget_recovery_state() -> None:
    client = redis_client()
    prefix = settings.LIVE_STATE_PREFIX
    for pattern in (f"{prefix}:grading:*", f"{prefix}:workers:*", f"{prefix}:ai:*"):
        keys = list(client.scan_iter(match=pattern))
        if keys:
            client.delete(*keys)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    redis_server = PrivateRedis()
    redis_server.start()
    yield redis_server
    redis_server.stop()


# The real browser of tests/browser, for the daphne restart test.
from tests.browser.conftest import browser, offsite_requests  # noqa: E402, F401
