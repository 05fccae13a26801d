"""How long one answer takes in the llm worker, by how many answers run at once.

Measured in the llm worker and read wherever a request is admitted (selectors/admission.py),
so that the first request of a burst already has a right estimate. On a CPU the answers that
run together share its cores: each decode step advances every running answer by one token and
takes longer the more there are, and prompts are prefilled one after another. The worker's
engine measures a decode step's seconds for each batch size it has run and its prefill speed
(tutor/llm/engine.py EngineStats); calibration.py measures them at start-up with a few short
answers, and real answers keep them current. From those, and the answer's size (its prompt at
the longest seen lately or the cap; its length as long as 9 in 10 recent answers, or the cap
before there are enough: selectors/admission.py recent_answer_lengths), the worker publishes the
seconds an answer takes when k answers run together, for k = 1 .. LLM_PARALLEL_REQUESTS; and
the same for an answer of the recent answers' mean length, for the answers in line before one.

No torch or Django models here: the web process reads this.
"""

import json
import time
from dataclasses import dataclass

from django.conf import settings

from tutor.redis_client import redis_client

# The machine is shared: pages and grading run at a higher priority than the model
# (tutor/assist/worker.py), so answers run slower under a class's load than when measured.
SAFETY_FACTOR = 1.25
# An estimate this old is still the best guess of the model's speed (the worker republishes it
# every 30 s while it is up); after this, not even that.
FORGET_AFTER_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class AnswerSpeed:
    # [k - 1]: seconds from submission to the end of an answer of answer_tokens tokens, when k
    # answers run together (its own prompt prefilled after the others').
    seconds_by_batch: tuple[float, ...]
    prompt_tokens: int
    answer_tokens: int
    measured_at: float
    # The same for an answer of typical_tokens (the recent answers' mean): what the answers in
    # line before one take, together; empty: as long as answer_tokens.
    typical_seconds_by_batch: tuple[float, ...] = ()
    typical_tokens: int = 0

    def seconds_for(self, batch: int) -> float:
        """An answer's seconds when `batch` answers run together (capped at the slots)."""
        return _at_batch(self.seconds_by_batch, batch)

    def typical_seconds_for(self, batch: int) -> float:
        """A typical answer's seconds when `batch` answers run together."""
        return _at_batch(self.typical_seconds_by_batch or self.seconds_by_batch, batch)

    @property
    def slots(self) -> int:
        return len(self.seconds_by_batch)


def _at_batch(seconds_by_batch: tuple[float, ...], batch: int) -> float:
    if not seconds_by_batch:
        raise ValueError("no measurements")
    return seconds_by_batch[min(max(batch, 1), len(seconds_by_batch)) - 1]


def answer_speed_from(
    *,
    step_seconds_by_batch: dict[int, float],
    prefill_seconds_per_token: float,
    slots: int,
    prompt_tokens: int,
    answer_tokens: int,
    typical_tokens: int | None = None,
) -> AnswerSpeed:
    """The tables from the engine's measurements; batch sizes not yet measured are taken from
    the next larger one measured, or scaled up from the largest (no batching gain assumed)."""
    if not step_seconds_by_batch:
        raise ValueError("no decode step measured yet")
    typical = min(typical_tokens or answer_tokens, answer_tokens)
    seconds: list[float] = []
    typical_seconds: list[float] = []
    step = 0.0
    for batch in range(1, max(slots, 1) + 1):
        # Never less than for fewer answers: one more row in a step cannot make it faster.
        step = max(step, step_seconds_for(step_seconds_by_batch, batch))
        prefill = batch * prompt_tokens * prefill_seconds_per_token
        seconds.append(SAFETY_FACTOR * (prefill + answer_tokens * step))
        typical_seconds.append(SAFETY_FACTOR * (prefill + typical * step))
    return AnswerSpeed(
        tuple(seconds),
        prompt_tokens,
        answer_tokens,
        time.time(),
        typical_seconds_by_batch=tuple(typical_seconds),
        typical_tokens=typical,
    )


def step_seconds_for(measured: dict[int, float], batch: int) -> float:
    larger = [size for size in measured if size >= batch]
    if larger:
        return measured[min(larger)]
    largest = max(measured)
    return measured[largest] * batch / largest


def speed_key() -> str:
    return f"{settings.LIVE_STATE_PREFIX}:llm:answer_speed"


def publish_answer_speed(speed: AnswerSpeed) -> None:
    record = {
        "seconds_by_batch": list(speed.seconds_by_batch),
        "prompt_tokens": speed.prompt_tokens,
        "answer_tokens": speed.answer_tokens,
        "measured_at": speed.measured_at,
        "typical_seconds_by_batch": list(speed.typical_seconds_by_batch),
        "typical_tokens": speed.typical_tokens,
    }
    redis_client().set(speed_key(), json.dumps(record), ex=FORGET_AFTER_SECONDS)


def forget_answer_speed() -> None:
    redis_client().delete(speed_key())


def read_answer_speed() -> AnswerSpeed | None:
    raw = redis_client().get(speed_key())
    if not raw:
        return None
    try:
        record = json.loads(raw)
        seconds = tuple(float(value) for value in record["seconds_by_batch"])
        typical = tuple(float(value) for value in record["typical_seconds_by_batch"])
        speed = AnswerSpeed(
            seconds,
            int(record["prompt_tokens"]),
            int(record["answer_tokens"]),
            float(record["measured_at"]),
            typical_seconds_by_batch=typical,
            typical_tokens=int(record["typical_tokens"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
    tables_ok = len(typical) in (0, len(seconds)) and all(value > 0 for value in seconds + typical)
    return speed if seconds and tables_ok else None
