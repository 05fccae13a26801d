"""Localisation: spectrum ranking with its boosts, and seeded bugs found through the sandbox."""

import os
from pathlib import Path
from typing import Any

import pytest

from exercises.loader import load_exercise
from tests import sandbox_uids
from tutor.grounding.localise import rank_suspicious_lines
from tutor.grounding.mutants import mutants
from tutor.sandbox import SandboxConfig, SourceFile, run_tests

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
