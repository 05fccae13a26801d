"""The llm worker measures its model's speed at start-up and publishes it (answer_speed.py).

So that the first request of a class's burst is admitted or declined on a measurement, not a
guess: a few short answers, one alone and then LLM_PARALLEL_REQUESTS together, give the engine
its decode step time for each batch size and its prefill speed. Real answers refine both.
Imported only in llm workers (torch).
"""

import logging

from django.conf import settings

from tutor.assist.answer_speed import (
    answer_speed_from,
    forget_answer_speed,
    publish_answer_speed,
)
from tutor.assist.engine import answer_limits
from tutor.assist.selectors.admission import longest_recent_prompt_tokens, recent_answer_lengths
from tutor.llm.engine import Engine
from tutor.llm.requests import GenerationRequest
from tutor.llm.serving import ServingEngine

# Long enough that its prefill is timed on more than a token or two, short enough to cost
# seconds, not minutes, on a big model; each answer's leading words differ, so no answer
# reuses another's prefix (the prefix holders would make the prefill look free).
CALIBRATION_PROMPT = (
    "Calibration answer {number}. Explain what this Python function does:\n"
    "def total(values):\n    result = 0\n    for value in values:\n"
    "        result += value\n    return result\n"
)


# Enough tokens that the first answer is still running when the last has been prefilled
# (prefills go one at a time), so that a step of every batch size up to the slots is timed.
def calibration_new_tokens(slots: int) -> int:
    return 2 * slots + 4


CALIBRATION_DEADLINE_SECONDS = 600.0
# Before any answer: a prompt this long when the settings cap none (a configured model).
DEFAULT_PROMPT_TOKENS = 1024

logger = logging.getLogger(__name__)


def calibrate(engine: ServingEngine) -> None:
    """Runs the short answers. A model server is not measured (its load is not ours alone):
    what a local model measured before must not stand for it either."""
    if not isinstance(engine, Engine):
        forget_answer_speed()
        return
    slots = max(int(settings.LLM_PARALLEL_REQUESTS), 1)
    _run_together(engine, count=1, new_tokens=calibration_new_tokens(slots))
    _run_together(engine, count=slots, new_tokens=calibration_new_tokens(slots))


def _run_together(engine: Engine, *, count: int, new_tokens: int) -> None:
    handles = [
        engine.submit(
            GenerationRequest(
                CALIBRATION_PROMPT.format(number=number),
                max_new_tokens=new_tokens,
                deadline_seconds=CALIBRATION_DEADLINE_SECONDS,
            )
        )
        for number in range(count)
    ]
    for handle in handles:
        finished = handle.result()
        if finished.reason not in ("stop", "length"):
            logger.warning("Calibration answer ended %s: %s", finished.reason, finished.error)


def publish_speed(engine: ServingEngine) -> None:
    """Publishes the answer times the engine's measurements give; nothing before it has any."""
    stats = engine.stats()
    if not stats.step_seconds_by_batch or stats.prefill_tokens_per_second <= 0:
        return
    limits = answer_limits()
    prompt_tokens = (
        longest_recent_prompt_tokens() or limits.max_prompt_tokens or DEFAULT_PROMPT_TOKENS
    )
    lengths = recent_answer_lengths(cap=limits.max_new_tokens)
    publish_answer_speed(
        answer_speed_from(
            step_seconds_by_batch=stats.step_seconds_by_batch,
            prefill_seconds_per_token=1.0 / stats.prefill_tokens_per_second,
            slots=int(settings.LLM_PARALLEL_REQUESTS),
            prompt_tokens=prompt_tokens,
            answer_tokens=lengths.long,
            typical_tokens=lengths.mean,
        )
    )
