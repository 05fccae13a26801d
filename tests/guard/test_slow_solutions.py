"""Correct but slow solutions: the guard's own time limit cuts their run short in the heaviest
test, and what finished before decides. Real sandbox runs of a small exercise whose last
hidden test is slow for the code under test (it sleeps far past the guard's limit), so
nothing here depends on how fast the machine is."""

from dataclasses import replace

import pytest

from tutor.guard import (
    GuardContext,
    GuardSettings,
    RunCode,
    StreamGuard,
    check_reply,
    sandbox_runner,
)
from tutor.guard.run_outcome import UNFINISHED, RunOutcome, shows_a_solution
from tutor.guard.sandbox_process import SandboxProcess
from tutor.sandbox import Limits, SandboxConfig, SourceFile

VISIBLE = """from total import total


def test_a_few_numbers():
    assert total([1, 2, 3]) == 6


def test_nothing():
    assert total([]) == 0


def test_negative_numbers():
    assert total([-4, 4, -1]) == -1
"""
HIDDEN = """from total import total


def test_one_number():
    assert total([41]) == 41


def test_floats():
    assert total([0.5, 0.25]) == 0.75


def test_a_long_list():
    assert total(list(range(100_000))) == 4_999_950_000
"""
REFERENCE = """def total(values):
    result = 0
    for value in values:
        result += value
    return result
"""
STARTER = """def total(values):
    pass
"""
# Stands in for a slow algorithm: the long list takes it far past the guard's limit.
SLOW_HEAD = """import functools
import operator
import time


def total(values):
    if len(values) > 50_000:
        time.sleep(20)"""
SLOW_TAIL = """    return functools.reduce(operator.add, values, 0)"""
SLOW = f"{SLOW_HEAD}\n{SLOW_TAIL}\n"
# Passes the visible tests only, and hangs on anything else: a student's fake.
ONLY_VISIBLE = """import time


def total(values):
    known = {(1, 2, 3): 6, (): 0, (-4, 4, -1): -1}
    if tuple(values) in known:
        return known[tuple(values)]
    time.sleep(20)
"""
# Wrong on negative numbers (a visible test), and slow on the long list.
WRONG_AND_SLOW = SLOW.replace("operator.add, values", "operator.add, map(abs, values)")
# Fails one hidden test with an error, then is slow on the long list.
ERROR_THEN_SLOW = SLOW.replace(
    "    return functools", "    if 41 in values:\n        raise KeyError(41)\n    return functools"
)

CONTEXT = GuardContext(
    solution_code=REFERENCE,
    hidden_tests=[("test_hidden.py", HIDDEN)],
    visible_tests=[("test_visible.py", VISIBLE)],
    student_code=STARTER,
    starter_code=STARTER,
    statement="Return the total of a list of numbers.",
    module_name="total",
)
EXERCISE_LIMITS = Limits(time_seconds=30)
# Long enough for the quick tests on a loaded machine, far from the slow test's 20 s.
GUARD_SECONDS = 3.0
SETTINGS = GuardSettings(
    sandbox_seconds_per_run=GUARD_SECONDS, sandbox_seconds_per_reply=4 * GUARD_SECONDS
)


@pytest.fixture(scope="module")
def run_code(guard_sandbox_config: SandboxConfig) -> RunCode:
    real = sandbox_runner(CONTEXT, EXERCISE_LIMITS, guard_sandbox_config)
    answers: dict[tuple[str, float | None], bool] = {}

    def run(code: str, seconds: float | None = None) -> bool:
        if (code, seconds) not in answers:
            answers[(code, seconds)] = real(code, seconds)
        return answers[(code, seconds)]

    return run


def test_a_correct_solution_cut_short_by_the_guards_limit_in_its_last_test_is_a_solution(
    run_code: RunCode,
) -> None:
    assert run_code(SLOW, GUARD_SECONDS)
    assert run_code(REFERENCE, GUARD_SECONDS)


def test_the_exercises_own_time_limit_is_a_timeout_as_in_grading(
    guard_sandbox_config: SandboxConfig,
) -> None:
    run = sandbox_runner(CONTEXT, Limits(time_seconds=GUARD_SECONDS), guard_sandbox_config)

    assert not run(SLOW, None)


@pytest.mark.parametrize(
    "code",
    [WRONG_AND_SLOW, ERROR_THEN_SLOW, ONLY_VISIBLE, STARTER],
    ids=["a-failed-test", "an-error", "only-the-visible-tests", "the-starter"],
)
def test_code_that_fails_a_test_or_passes_no_hidden_one_is_no_solution(
    run_code: RunCode, code: str
) -> None:
    assert not run_code(code, GUARD_SECONDS)


def test_the_rule_needs_nearly_all_tests_finished_and_passed_one_of_them_hidden() -> None:
    def outcome(*results: str, status: str = "timeout") -> RunOutcome:
        files = ["test_visible.py"] * 3 + ["test_hidden.py"] * 3
        return RunOutcome(status, tuple(zip(files, results, strict=True)))

    hidden = {"test_hidden.py"}
    nearly = outcome("passed", "passed", "passed", "passed", "passed", UNFINISHED)
    assert shows_a_solution(nearly, hidden, cut_short=True)
    assert not shows_a_solution(nearly, hidden, cut_short=False)
    assert not shows_a_solution(nearly, set(), cut_short=True)
    half = outcome("passed", "passed", "passed", UNFINISHED, UNFINISHED, UNFINISHED)
    assert not shows_a_solution(half, hidden, cut_short=True)
    failed = outcome("passed", "failed", "passed", "passed", "passed", UNFINISHED)
    assert not shows_a_solution(failed, hidden, cut_short=True)
    crashed = outcome(*["passed"] * 5, UNFINISHED, status="crashed")
    assert not shows_a_solution(crashed, hidden, cut_short=True)


def test_the_helper_process_reports_which_tests_the_time_limit_cut_off(
    guard_sandbox_config: SandboxConfig,
) -> None:
    helper = SandboxProcess(
        env={
            "LABTUTOR_SANDBOX_SLOTS": str(guard_sandbox_config.slots),
            "LABTUTOR_SANDBOX_LOCK_DIR": guard_sandbox_config.lock_dir,
            "LABTUTOR_SANDBOX_FIRST_UID": str(guard_sandbox_config.first_uid),
        }
    )
    try:
        outcome = helper.tests_pass(
            "python",
            [SourceFile("total.py", SLOW)],
            [SourceFile("test_visible.py", VISIBLE), SourceFile("test_hidden.py", HIDDEN)],
            Limits(time_seconds=GUARD_SECONDS),
        )
    finally:
        helper.close()

    assert outcome.status == "timeout"
    assert [result for _file, result in outcome.tests] == ["passed"] * 5 + [UNFINISHED]
    assert shows_a_solution(outcome, {"test_hidden.py"}, cut_short=True)


def stream_by_lines(text: str, run_code: RunCode) -> tuple[str, str, str]:
    """(everything released while streaming, the verdict, its reason)."""
    guard = StreamGuard(CONTEXT, SETTINGS, run_code)
    released = "".join(guard.push(line) for line in text.splitlines(keepends=True))
    final = guard.finish()
    return released, final.verdict.verdict, final.verdict.reason


def test_a_slow_solution_split_over_two_blocks_is_blocked_and_neither_block_shows(
    run_code: RunCode,
) -> None:
    reply = (
        f"Start like this:\n\n```python\n{SLOW_HEAD}\n```\n\n"
        f"Then carry on inside it:\n\n> {SLOW_TAIL}\n\nRun the tests again."
    )

    released, verdict, reason = stream_by_lines(reply, run_code)

    assert verdict == "block"
    assert reason == "code block 2 passes the exercise's tests joined with the code just before it"
    # The first block alone was no solution, but it defines what the tests need: held back.
    assert "time.sleep(20)" not in released
    assert "functools.reduce" not in released


def test_the_students_own_slow_code_quoted_back_and_a_hint_stay_allowed(run_code: RunCode) -> None:
    own = replace(CONTEXT, student_code=SLOW)
    reply = (
        f"This is your code:\n\n```python\n{SLOW}```\n\nIt is right, but slow on a long list: "
        "what does `time.sleep` do there?\n\n```python\nscores = [3, 8, 5]\nbest = max(scores)\n```"
    )

    verdict = check_reply(reply, own, SETTINGS, run_code)

    assert verdict.verdict == "allow", verdict.reason
    assert verdict.redacted_text == reply
