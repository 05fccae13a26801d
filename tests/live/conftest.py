from collections.abc import Iterator

import pytest

from tutor.live.services import presence


@pytest.fixture(autouse=True)
def no_presence() -> Iterator[None]:
    """Who is online lives in Redis; user ids restart in every test database."""
    presence.forget_all()
    yield
    presence.forget_all()
