"""The llm worker's model threads give way to pages and grading."""

import os
import threading

from django.test import override_settings

from tutor.assist.worker import lower_generation_priority


def nice_values_in_a_fresh_thread() -> tuple[int, int, int]:
    """(before, after lowering, in a thread started afterwards) in a thread of its own, so the
    test process keeps its priority."""
    seen: list[int] = []

    def child() -> None:
        seen.append(os.nice(0))

    def run() -> None:
        seen.append(os.nice(0))
        seen.append(lower_generation_priority())
        started = threading.Thread(target=child)
        started.start()
        started.join()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    before, after, inherited = seen
    return before, after, inherited


def test_model_threads_run_at_the_configured_nice_value() -> None:
    with override_settings(LLM_NICE=os.nice(0) + 7):
        before, after, inherited = nice_values_in_a_fresh_thread()
    assert after == before + 7
    assert inherited == after  # the engine's scheduler and compute threads inherit it
    assert os.nice(0) == before  # only the calling thread was lowered


def test_a_nice_value_already_lower_is_kept() -> None:
    with override_settings(LLM_NICE=0):
        before, after, _ = nice_values_in_a_fresh_thread()
    assert after == before
