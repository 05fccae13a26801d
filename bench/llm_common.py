"""Shared by the bench/llm_*.py scripts: tutoring prompts, timing, memory."""

import dataclasses
import resource
import statistics
import threading
import time
from dataclasses import dataclass

import tutor.llm  # noqa: F401  (offline environment first)
from tutor.llm.engine import Engine
from tutor.llm.loading import LoadedModel
from tutor.llm.prompts import PromptContext, Task, build_prompt
from tutor.llm.requests import Finished, GenerationRequest, TokenDelta

TWO_FER = PromptContext(
    exercise_title="Two Fer",
    exercise_statement=(
        "Write two_fer(name='you') that returns 'One for <name>, one for me.' "
        "When no name is given, use 'you'."
    ),
    student_code=("def two_fer(name):\n    return 'One for ' + name + ', one for me.'\n"),
    student_filename="two_fer.py",
    test_output=(
        "ERROR: test_no_name_given (two_fer_test.TwoFerTest)\n"
        "Traceback (most recent call last):\n"
        '  File "two_fer_test.py", line 16, in test_no_name_given\n'
        "    self.assertEqual(two_fer(), 'One for you, one for me.')\n"
        "TypeError: two_fer() missing 1 required positional argument: 'name'\n"
    ),
    authored_hints=("Python functions can give a parameter a default value.",),
)
LEAP_CODE = "def leap_year(year):\n    if year % 4 == 0:\n        return True\n    return False\n"
LEAP = PromptContext(
    exercise_title="Leap",
    exercise_statement=(
        "A leap year occurs on every year divisible by 4, except years divisible by 100, "
        "unless the year is also divisible by 400. Write leap_year(year)."
    ),
    student_code=LEAP_CODE,
    student_filename="leap.py",
    test_output=(
        "FAIL: test_year_divisible_by_100_not_divisible_by_400 (leap_test.LeapTest)\n"
        "Traceback (most recent call last):\n"
        '  File "leap_test.py", line 21, in test_year_divisible_by_100_not_divisible_by_400\n'
        "    self.assertIs(leap_year(2100), False)\n"
        "AssertionError: True is not False\n"
    ),
)
FIM_CODE = "def is_even(number):\n    return \n\n\nprint(is_even(4))\n"
FIM = PromptContext(student_code=FIM_CODE, cursor_offset=FIM_CODE.index("return ") + 7)

TUTORING_CASES: list[tuple[str, Task, PromptContext]] = [
    ("hint level 1 (two_fer)", Task.HINT, TWO_FER),
    ("hint level 2 (leap)", Task.HINT, dataclasses.replace(LEAP, hint_level=2)),
    ("explain error (two_fer)", Task.EXPLAIN_ERROR, TWO_FER),
    ("explain error (leap)", Task.EXPLAIN_ERROR, LEAP),
    ("review (leap)", Task.REVIEW, LEAP),
    ("fill in the middle (is_even)", Task.COMPLETE, FIM),
]


@dataclass(frozen=True)
class RunResult:
    finished: Finished
    submitted_at: float
    deltas: int


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def tutoring_requests(model: LoadedModel, max_new_tokens: int) -> list[GenerationRequest]:
    return [
        build_prompt(model, task, context, max_new_tokens=max_new_tokens).request(
            deadline_seconds=3600
        )
        for _label, task, context in TUTORING_CASES
    ]


def run_arrivals(
    engine: Engine, requests: list[GenerationRequest], gap_seconds: float
) -> list[RunResult]:
    """Submits each request `gap_seconds` after the previous one, each from its own thread,
    as the Celery worker's thread pool would, and collects what they get."""
    results: list[RunResult | None] = [None] * len(requests)
    started = time.monotonic()

    def client(index: int) -> None:
        time.sleep(max(0.0, started + index * gap_seconds - time.monotonic()))
        submitted_at = time.monotonic()
        deltas = 0
        for event in engine.submit(requests[index]).events():
            if isinstance(event, TokenDelta):
                deltas += 1
            elif isinstance(event, Finished):
                results[index] = RunResult(event, submitted_at, deltas)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [result for result in results if result is not None]


def summarize(results: list[RunResult]) -> str:
    first_submit = min(r.submitted_at for r in results)
    last_end = max(r.submitted_at + r.finished.total_seconds for r in results)
    tokens = sum(r.finished.completion_tokens for r in results)
    first_tokens = [r.finished.first_token_seconds or 0.0 for r in results]
    totals = [r.finished.total_seconds for r in results]
    wall = last_end - first_submit
    return (
        f"{tokens} tokens in {wall:.1f} s = {tokens / wall:.1f} tok/s; "
        f"first token mean {statistics.mean(first_tokens):.1f} s, max {max(first_tokens):.1f} s; "
        f"latency mean {statistics.mean(totals):.1f} s, max {max(totals):.1f} s"
    )
