from collections.abc import Iterator

import pytest

from tests.assist.conftest import tutor_model, worker_threads
from tutor import ratelimit
from tutor.assist import streams

# The tiny model and the stand-in llm worker, for the exam-mode test that streams an answer.
__all__ = ["tutor_model", "worker_threads"]


@pytest.fixture(autouse=True)
def fresh_live_state() -> Iterator[None]:
    """Request and user ids restart in every test database; their Redis state (answers, rate
    limits) must too."""
    streams.forget_all()
    ratelimit.forget_join_guesses()
    yield
    streams.forget_all()
    ratelimit.forget_join_guesses()
