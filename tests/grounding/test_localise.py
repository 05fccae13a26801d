"""Localisation: spectrum ranking with its boosts, and seeded bugs found through the sandbox."""

import os
from pathlib import Path
from typing import Any

import pytest

from exercises.loader import load_exercise
from tests import sandbox_uids
from tutor.grounding.localise import HIDDEN_REASON, localise, rank_suspicious_lines
from tutor.grounding.mutants import mutants
from tutor.sandbox import Limits, SandboxConfig, SourceFile, run_tests

CURRICULUM = Path(__file__).resolve().parents[2] / "exercises" / "curriculum"


def _test(outcome: str, lines: dict[int, int], **fields: object) -> dict[str, object]:
    evidence = {"lines": {"solution.py": [[line, count] for line, count in lines.items()]}}
    return {"name": f"t{len(lines)}", "outcome": outcome, "evidence": evidence, **fields}


def test_lines_run_only_by_failing_tests_rank_first() -> None:
    tests = [
        _test("passed", {1: 1, 2: 1, 3: 1}),
        _test("failed", {1: 1, 2: 1, 4: 1}),
        _test("failed", {1: 1, 4: 3}),
    ]
    ranking = rank_suspicious_lines(tests, "solution.py")

    assert [item.line for item in ranking] == [4, 1, 2]
    assert ranking[0].why == "run by 2 of 2 failing tests and 0 of 1 passing ones"
    assert 3 not in [item.line for item in ranking]  # run by passing tests only


def test_the_exception_line_and_the_wrong_return_get_boosts() -> None:
    raising = _test(
        "error", {1: 1, 2: 1, 3: 1}, line=2, message="IndexError: list index out of range"
    )
    ranking = rank_suspicious_lines([raising], "solution.py")
    assert ranking[0].line == 2
    assert ranking[0].why.startswith("IndexError: list index out of range was raised here")

    wrong = _test("failed", {1: 1, 2: 1, 3: 1}, actual="1", expected="2")
    wrong["evidence"]["calls"] = [  # type: ignore[index]
        {"function": "f", "args": ["'x'"], "returned": "1", "return_line": 3}
    ]
    ranking = rank_suspicious_lines([wrong], "solution.py")
    assert ranking[0].line == 3
    assert "last line run before returning 1 (expected 2)" in ranking[0].why


def test_hidden_tests_and_junk_are_ignored() -> None:
    tests: list[dict[str, Any]] = [
        {
            "name": "h",
            "outcome": "failed",
            "hidden": True,
            "evidence": {"lines": {"solution.py": [[9, 1]]}},
        },
        {"name": "j", "outcome": "failed", "evidence": {"lines": {"solution.py": "junk"}}},
        {"name": "k", "outcome": "failed", "evidence": {"lines": {"solution.py": [["a", 1], [5]]}}},
    ]
    assert rank_suspicious_lines(tests, "solution.py") == []


@pytest.fixture(scope="module")
def sandbox_config(tmp_path_factory: pytest.TempPathFactory) -> SandboxConfig:
    lock_dir = tmp_path_factory.mktemp("grounding-locks")
    os.chmod(lock_dir, 0o700)
    return SandboxConfig(slots=1, lock_dir=str(lock_dir), first_uid=sandbox_uids.GROUNDING)


@pytest.mark.parametrize(
    ("folder", "kind", "line"),
    [
        ("03-loops/digit-sum", "flipped_comparison", 14),
        ("03-loops/digit-sum", "wrong_return", 8),
        ("02-conditionals/ticket-price", "missing_case", 5),
        ("03-loops/rocket-countdown", "off_by_one", None),
        ("08-small-algorithms/merge-sorted", "wrong_return", 14),
    ],
)
def test_seeded_bugs_rank_in_the_top_three(
    sandbox_config: SandboxConfig, folder: str, kind: str, line: int | None
) -> None:
    exercise = load_exercise(CURRICULUM / folder)
    mutant = next(
        m
        for m in mutants(exercise.solution_code)
        if m.kind == kind and (line is None or m.line == line)
    )
    result = run_tests(
        "python",
        [SourceFile(f"{exercise.module}.py", mutant.source)],
        [SourceFile(test.filename, test.code) for test in exercise.visible_tests],
        unsafe=False,
        config=sandbox_config,
        evidence=True,
    )
    assert not result.passed, "the seeded bug must fail a visible test"

    tests = result.to_dict()["tests"]
    ranking = rank_suspicious_lines(tests, f"{exercise.module}.py", source=mutant.source)
    assert mutant.line in [item.line for item in ranking[:3]], (mutant.description, ranking)


ENDLESS = (
    "def digit_sum(n):\n"
    "    total = 0\n"
    "    while n > 0:\n"
    "        total += n % 10\n"
    "        n / 10\n"
    "    return total\n"
)
ENDLESS_TESTS = (
    "from digits import digit_sum\n\n\n"
    "def test_one_digit():\n    assert digit_sum(0) == 0\n\n\n"
    "def test_many_digits():\n    assert digit_sum(4096) == 19\n"
)


def test_a_run_the_time_limit_stops_keeps_the_loop_that_did_not_end(
    sandbox_config: SandboxConfig,
) -> None:
    result = run_tests(
        "python",
        [SourceFile("digits.py", ENDLESS)],
        [SourceFile("test_digits.py", ENDLESS_TESTS)],
        Limits(time_seconds=2),
        unsafe=False,
        config=sandbox_config,
        evidence=True,
    )
    assert result.status == "timeout"
    stopped = result.tests[1]
    assert stopped.outcome == "error" and stopped.evidence is not None
    counts = dict(stopped.evidence.lines["digits.py"])
    assert counts[4] > 1000 and counts[5] > 1000  # the loop's lines, how often each ran

    located = localise(result.to_dict()["tests"], "digits.py", source=ENDLESS)
    assert located.evidence == "visible"
    # The line that computes and throws away n / 10 first, then the rest of the loop.
    assert located.lines[0].line == 5
    assert "thrown away" in located.lines[0].why
    assert "before the time limit stopped it" in located.lines[0].why
    assert {item.line for item in located.lines[:3]} == {3, 4, 5}


def test_a_syntax_slip_is_located_from_the_parser_and_the_line_before() -> None:
    located = localise([], "s.py", source="def f(b):\n    return (b +\n        )\n")
    assert located.evidence == "syntax"
    assert [item.line for item in located.lines] == [2, 3]
    assert "middle of an expression" in located.lines[0].why

    located = localise([], "s.py", source="def f(n):\n    count = 0\n    count++\n")
    assert [item.line for item in located.lines] == [3]
    assert localise([], "s.c", source="int main() { return 0 }").evidence == ""


def test_hidden_tests_give_a_line_and_no_values() -> None:
    hidden = [
        _test("passed", {1: 1, 2: 1}, actual="'x'", expected="'x'"),
        _test("failed", {1: 1, 3: 1}, actual="'secret value'", expected="'other secret'"),
    ]
    located = localise([], "solution.py", source="", hidden_tests=hidden)

    assert located.evidence == "hidden"
    assert located.lines[0].line == 3
    assert all(item.why == HIDDEN_REASON for item in located.lines)


def test_the_reference_solution_points_at_where_the_values_part() -> None:
    reference = "def total(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return s\n"
    student = "def total(xs):\n    s = 0\n    for x in xs:\n        s += 2 * x\n    return s\n"
    steps = [
        {"file": "t.py", "line": 2, "event": "line", "function": "total", "depth": 1,
         "locals": {"xs": "[1, 2]"}},
        {"file": "t.py", "line": 3, "event": "line", "function": "total", "depth": 1,
         "locals": {"xs": "[1, 2]", "s": "0"}},
        {"file": "t.py", "line": 4, "event": "line", "function": "total", "depth": 1,
         "locals": {"xs": "[1, 2]", "s": "0", "x": "1"}},
        {"file": "t.py", "line": 3, "event": "line", "function": "total", "depth": 1,
         "locals": {"xs": "[1, 2]", "s": "2", "x": "1"}},
    ]  # fmt: skip
    test = {
        "name": "t",
        "outcome": "failed",
        "evidence": {
            "calls": [{"function": "total", "args": ["[1, 2]"], "returned": "6"}],
            "lines": {"t.py": [[2, 1], [3, 3], [4, 2], [5, 1]]},
            "steps": steps,
        },
    }
    ranking = rank_suspicious_lines([test], "t.py", source=student, reference=reference)
    assert ranking[0].line == 4
    assert ranking[0].why.startswith("after this line ran, s was 2, a value the reference")
    # Without the reference, the loop's lines tie on the spectrum and the loop header leads.
    assert rank_suspicious_lines([test], "t.py", source=student)[0].line == 3
