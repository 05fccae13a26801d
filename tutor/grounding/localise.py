"""Which lines of the student's file most likely hold the bug, from everything a run shows.

localise() is the entry point: a file that does not compile is located by its syntax slip
(syntax_slips.py); else the failing visible tests' evidence ranks the lines, a test the time
limit stopped included (the loop that did not end: its lines and how often each ran); else,
for a program that fails hidden tests only, the hidden tests' evidence does, on the server,
and what it says is only that a hidden case reaches the line (never inputs or values).

Spectrum-based: a line run by every failing test and by few passing ones is suspicious (Ochiai:
failed(line) / sqrt(all failed * run(line))). On top of that, measured on the seeded bugs of
bench/localise_eval.py: the line an exception was raised on, and the last line run before a
wrong value was returned, get a boost; lines with the same spectrum (a small program's tests
often all run the same lines) are ordered by how much decision they hold (a loop bound, a
comparison, a computed return) rather than by position.
"""

import keyword
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tutor.grounding.source_facts import (
    controlling_lines,
    decision_weights,
    empty_bodies,
    no_effect_lines,
    unfinished_updates,
)
from tutor.grounding.syntax_slips import syntax_slips
from tutor.grounding.witness import divergence_line

FAILING = ("failed", "error")
EXCEPTION_BOOST = 0.5
RETURN_BOOST = 0.1
# A test stopped by the time limit: the lines of the loop that did not end (those it ran at
# least ENDLESS_SHARE as often as its busiest line) are where to look.
ENDLESS_BOOST = 0.3
ENDLESS_SHARE = 0.25
# In that loop, the lines that should bring it to an end (or where the update is missing).
PROGRESS_BOOST = 0.2
# A statement whose value is thrown away (`n / 10`, `count + 1`, `x == 0`) does nothing.
NO_EFFECT_BOOST = 0.3
HIDDEN_REASON = "a hidden test reaches this line and fails"
# The first line after which the student's values part from the reference solution's.
DIVERGENCE_BOOST = 0.2
PRIOR_WEIGHT = 0.15
# A condition that decides whether a suspicious line runs shares most of its suspicion: a wrong
# or missing case shows as a branch body that only failing tests run.
CONTROL_SHARE = 0.95
EMPTY_BODY_SHARE = 1.01


@dataclass(frozen=True)
class SuspiciousLine:
    line: int
    score: float  # unrounded: close scores still order the lines
    why: str

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "score": round(self.score, 3), "why": self.why}


@dataclass(frozen=True)
class Localised:
    """Best first; evidence: what located them ("syntax", "visible", "hidden", or "")."""

    lines: list[SuspiciousLine]
    evidence: str


def localise(
    tests: Sequence[Mapping[str, Any]],
    file: str,
    *,
    source: str,
    hidden_tests: Sequence[Mapping[str, Any]] = (),
    reference: str = "",
    limit: int = 10,
) -> Localised:
    """The likeliest lines of the bug from all a run shows. tests: the visible tests of a
    result; hidden_tests: the hidden tests' results with their evidence (server side only: the
    lines come back with HIDDEN_REASON as their only why); reference: the exercise's reference
    solution, the second witness (witness.py)."""
    if file.endswith(".py"):
        slips = syntax_slips(source, file)
        if slips:
            return Localised([SuspiciousLine(s.line, 1.0, s.why) for s in slips][:limit], "syntax")
    visible = rank_suspicious_lines(tests, file, source=source, reference=reference, limit=limit)
    if visible:
        return Localised(visible, "visible")
    if not any(test.get("outcome") in FAILING for test in hidden_tests):
        return Localised([], "")
    ranked = rank_suspicious_lines(
        [{**test, "hidden": False} for test in hidden_tests],
        file,
        source=source,
        reference=reference,
        limit=limit,
    )
    return Localised([SuspiciousLine(i.line, i.score, HIDDEN_REASON) for i in ranked], "hidden")


@dataclass(frozen=True)
class _Spectrum:
    failing_runs: dict[int, int]  # line -> failing tests that ran it
    passing_runs: dict[int, int]
    failing_total: int
    passing_total: int


def rank_suspicious_lines(
    tests: Sequence[Mapping[str, Any]],
    file: str,
    *,
    source: str = "",
    reference: str = "",
    limit: int = 10,
) -> list[SuspiciousLine]:
    """Best first. tests: the visible tests of one stored result (dicts with outcome, line,
    actual, expected and evidence). source: the student's file, for ordering equal spectra.
    reference: the exercise's reference solution, replayed on the first traced failing call."""
    spectrum = _spectrum(tests, file)
    exception_lines = _exception_lines(tests)
    return_lines = _wrong_return_lines(tests)
    endless = endless_loop_lines(tests, file)
    progress = unfinished_updates(source, endless)
    idle = no_effect_lines(source)
    divergence = _divergence(tests, file, reference)
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
        if line in endless:
            score += ENDLESS_BOOST
            reasons.insert(0, endless[line])
        if line in progress:
            score += PROGRESS_BOOST
            reasons.insert(0, progress[line])
        if divergence is not None and line == divergence[0]:
            score += DIVERGENCE_BOOST
            reasons.insert(0, divergence[1])
        if line in idle and line in spectrum.failing_runs:
            score += NO_EFFECT_BOOST
            reasons.insert(0, "it does nothing: a value computed and thrown away, or a pass")
        ranked.append(SuspiciousLine(line, score, "; ".join(reasons)))
    ranked = _share_with_conditions(ranked, controlling_lines(source), empty_bodies(source))
    named = failure_names(tests)
    source_lines = source.splitlines()
    # Equal scores: the line that uses what the failure names, then the more decisive line.
    ranked.sort(
        key=lambda item: (
            -round(item.score, 9),
            -_mentions(source_lines, item.line, named),
            -prior.get(item.line, 0.0),
            item.line,
        )
    )
    return ranked[:limit]


def _divergence(
    tests: Sequence[Mapping[str, Any]], file: str, reference: str
) -> tuple[int, str] | None:
    """Where the first traced failing test's values part from the reference solution's."""
    for test in tests:
        if test.get("outcome") == "failed" and not test.get("hidden"):
            evidence = test.get("evidence")
            if isinstance(evidence, Mapping) and evidence.get("steps"):
                return divergence_line(test, failing_call(test), file, reference)
    return None


def endless_loop_lines(tests: Sequence[Mapping[str, Any]], file: str) -> dict[int, str]:
    """The lines a test ran over and over until the time limit stopped it, with how often."""
    lines: dict[int, str] = {}
    for test in tests:
        if test.get("hidden") or not _stopped_by_time(test):
            continue
        covered = _covered(test, file)
        busiest = max(covered.values(), default=0)
        for line, count in covered.items():
            if count >= busiest * ENDLESS_SHARE and count > 1:
                lines.setdefault(
                    line,
                    f"ran {count}+ times in {test.get('name')} before the time limit stopped it "
                    "(a loop that did not end)",
                )
    return lines


def _stopped_by_time(test: Mapping[str, Any]) -> bool:
    message = str(test.get("message") or "")
    return test.get("outcome") == "error" and "time limit" in message and "stopped" in message


_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def failure_names(tests: Sequence[Mapping[str, Any]]) -> set[str]:
    """The names the failing tests' messages and errors mention ("name 'totl' is not defined",
    "'int' object is not iterable", "list index out of range")."""
    names: set[str] = set()
    for test in tests:
        if test.get("outcome") in FAILING and not test.get("hidden"):
            names |= set(_IDENTIFIER.findall(str(test.get("message") or "")[:300]))
    return {name for name in names if not keyword.iskeyword(name)}


def _mentions(source_lines: Sequence[str], line: int, names: set[str]) -> int:
    if not names or not 0 < line <= len(source_lines):
        return 0
    return len(names & set(_IDENTIFIER.findall(source_lines[line - 1])))


def _share_with_conditions(
    ranked: list[SuspiciousLine], controllers: dict[int, int], empty_bodies: set[int]
) -> list[SuspiciousLine]:
    by_line = {item.line: item for item in ranked}
    for item in ranked:
        header = controllers.get(item.line)
        if header is None or header not in by_line:
            continue
        # A branch that does nothing (`pass` alone) is its condition's case, not a line of its
        # own: the condition takes all of its suspicion and goes before it.
        share = EMPTY_BODY_SHARE if item.line in empty_bodies else CONTROL_SHARE
        shared = item.score * share
        if shared > by_line[header].score:
            why = f"decides whether line {item.line} runs ({by_line[header].why})"
            by_line[header] = SuspiciousLine(header, shared, why)
    return list(by_line.values())


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
