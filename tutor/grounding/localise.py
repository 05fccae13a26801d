"""Which lines of the student's file most likely hold the bug, from a run's evidence.

Spectrum-based: a line run by every failing test and by few passing ones is suspicious (Ochiai:
failed(line) / sqrt(all failed * run(line))). On top of that, measured on the seeded bugs of
bench/localise_eval.py: the line an exception was raised on, and the last line run before a
wrong value was returned, get a boost; lines with the same spectrum (a small program's tests
often all run the same lines) are ordered by how much decision they hold (a loop bound, a
comparison, a computed return) rather than by position.
"""

import ast
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

FAILING = ("failed", "error")
EXCEPTION_BOOST = 0.5
RETURN_BOOST = 0.1
PRIOR_WEIGHT = 0.15
# A condition that decides whether a suspicious line runs shares most of its suspicion: a wrong
# or missing case shows as a branch body that only failing tests run.
CONTROL_SHARE = 0.95


@dataclass(frozen=True)
class SuspiciousLine:
    line: int
    score: float  # unrounded: close scores still order the lines
    why: str

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "score": round(self.score, 3), "why": self.why}


@dataclass(frozen=True)
class _Spectrum:
    failing_runs: dict[int, int]  # line -> failing tests that ran it
    passing_runs: dict[int, int]
    failing_total: int
    passing_total: int


def rank_suspicious_lines(
    tests: Sequence[Mapping[str, Any]], file: str, *, source: str = "", limit: int = 10
) -> list[SuspiciousLine]:
    """Best first. tests: the visible tests of one stored result (dicts with outcome, line,
    actual, expected and evidence). source: the student's file, for ordering equal spectra."""
    spectrum = _spectrum(tests, file)
    exception_lines = _exception_lines(tests)
    return_lines = _wrong_return_lines(tests)
    prior = decision_weights(source)
    candidates = set(spectrum.failing_runs) | set(exception_lines)
    ranked = []
    for line in candidates:
        ochiai = _ochiai(spectrum, line)
        score = ochiai + PRIOR_WEIGHT * prior.get(line, 0.0)
        reasons = [_spectrum_reason(spectrum, line)] if line in spectrum.failing_runs else []
        if line in exception_lines:
            score += EXCEPTION_BOOST
            reasons.insert(0, exception_lines[line])
        if line in return_lines:
            score += RETURN_BOOST
            reasons.append(return_lines[line])
        ranked.append(SuspiciousLine(line, score, "; ".join(reasons)))
    ranked = _share_with_conditions(ranked, controlling_lines(source))
    ranked.sort(key=lambda item: (-item.score, item.line))
    return ranked[:limit]


def _share_with_conditions(
    ranked: list[SuspiciousLine], controllers: dict[int, int]
) -> list[SuspiciousLine]:
    by_line = {item.line: item for item in ranked}
    for item in ranked:
        header = controllers.get(item.line)
        if header is None or header not in by_line:
            continue
        shared = item.score * CONTROL_SHARE
        if shared > by_line[header].score:
            why = f"decides whether line {item.line} runs ({by_line[header].why})"
            by_line[header] = SuspiciousLine(header, shared, why)
    return list(by_line.values())


def controlling_lines(source: str) -> dict[int, int]:
    """Line of each statement -> the line of the if/while/for header whose body holds it."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    controllers: dict[int, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If | ast.While | ast.For):
            for child in [*node.body, *node.orelse]:
                if isinstance(child, ast.If) and child in node.orelse:
                    continue  # an elif is decided by its own condition
                controllers.setdefault(child.lineno, node.lineno)
    return controllers


def _covered(test: Mapping[str, Any], file: str) -> dict[int, int]:
    evidence = test.get("evidence")
    if not isinstance(evidence, Mapping):
        return {}
    lines = evidence.get("lines")
    pairs = lines.get(file) if isinstance(lines, Mapping) else None
    covered = {}
    for pair in pairs if isinstance(pairs, list | tuple) else []:
        if isinstance(pair, list | tuple) and len(pair) == 2:
            line, count = pair
            if isinstance(line, int) and isinstance(count, int):
                covered[line] = count
    return covered


def _spectrum(tests: Sequence[Mapping[str, Any]], file: str) -> _Spectrum:
    failing: dict[int, int] = {}
    passing: dict[int, int] = {}
    failing_total = passing_total = 0
    for test in tests:
        if test.get("hidden") or not isinstance(test.get("evidence"), Mapping):
            continue
        covered = _covered(test, file)
        if test.get("outcome") in FAILING:
            failing_total += 1
            target = failing
        elif test.get("outcome") == "passed":
            passing_total += 1
            target = passing
        else:
            continue
        for line in covered:
            target[line] = target.get(line, 0) + 1
    return _Spectrum(failing, passing, failing_total, passing_total)


def _ochiai(spectrum: _Spectrum, line: int) -> float:
    failed = spectrum.failing_runs.get(line, 0)
    ran = failed + spectrum.passing_runs.get(line, 0)
    if not failed or not spectrum.failing_total:
        return 0.0
    return failed / math.sqrt(spectrum.failing_total * ran)


def _spectrum_reason(spectrum: _Spectrum, line: int) -> str:
    failed = spectrum.failing_runs.get(line, 0)
    passed = spectrum.passing_runs.get(line, 0)
    text = f"run by {failed} of {spectrum.failing_total} failing tests"
    if spectrum.passing_total:
        text += f" and {passed} of {spectrum.passing_total} passing ones"
    return text


def _exception_lines(tests: Sequence[Mapping[str, Any]]) -> dict[int, str]:
    """Lines an exception came from in the student's code (errored tests only)."""
    lines: dict[int, str] = {}
    for test in tests:
        line = test.get("line")
        if test.get("outcome") != "error" or not isinstance(line, int) or test.get("hidden"):
            continue
        message = str(test.get("message") or "an exception")[:80]
        lines.setdefault(line, f"{message} was raised here in {test.get('name')}")
    return lines


def _wrong_return_lines(tests: Sequence[Mapping[str, Any]]) -> dict[int, str]:
    """The last line run before a call returned the wrong value (the compared call's)."""
    lines: dict[int, str] = {}
    for test in tests:
        if test.get("outcome") != "failed" or test.get("hidden"):
            continue
        call = failing_call(test)
        if call is None or not isinstance(call.get("return_line"), int):
            continue
        expected = test.get("expected")
        text = f"last line run before returning {call.get('returned')}"
        if isinstance(expected, str):
            text += f" (expected {expected[:60]})"
        lines.setdefault(call["return_line"], text)
    return lines


def failing_call(test: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The call whose returned value the failing assertion compared, else the last call."""
    evidence = test.get("evidence")
    calls = evidence.get("calls") if isinstance(evidence, Mapping) else None
    if not isinstance(calls, list) or not calls:
        return None
    calls = [call for call in calls if isinstance(call, Mapping)]
    actual = test.get("actual")
    for call in calls:
        if actual is not None and call.get("returned") == actual:
            return call
    return calls[-1] if calls else None


def decision_weights(source: str) -> dict[int, float]:
    """How much decision each line holds, 0..1: loop bounds and conditions most, then computed
    returns and updates, plain statements least."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    weights: dict[int, float] = {}
    for node in ast.walk(tree):
        weight = _weight(node)
        if weight:
            line = node.lineno  # type: ignore[attr-defined]
            weights[line] = max(weights.get(line, 0.0), weight)
    return weights


def _weight(node: ast.AST) -> float:
    if isinstance(node, ast.For | ast.While | ast.If):
        return (
            1.0
            if any(
                isinstance(n, ast.Compare | ast.Call)
                for n in ast.walk(node.iter if isinstance(node, ast.For) else node.test)
            )
            else 0.8
        )
    if isinstance(node, ast.Return) and node.value is not None:
        simple = isinstance(node.value, ast.Name | ast.Constant)
        return 0.3 if simple else 0.7
    if isinstance(node, ast.AugAssign):
        return 0.6
    if isinstance(node, ast.Assign) and isinstance(
        node.value, ast.BinOp | ast.Compare | ast.Subscript | ast.Call
    ):
        return 0.5
    if isinstance(node, ast.stmt):
        return 0.2
    return 0.0
