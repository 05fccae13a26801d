"""Evidence of what the student's code did in one test, read from the student's own process.

It is untrusted data: the student's code can write anything there. It is parsed here with caps
on every count and string, only for the student's own files, and it never decides a verdict
(judge() reads outcomes from the tests' side only). A run's evidence as a whole stays under
MAX_RUN_EVIDENCE_BYTES, well inside the stored result's own cap.
"""

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

MAX_CALLS = 8
MAX_ARGS = 10
MAX_TEXT = 120
MAX_LINES_PER_FILE = 2000
MAX_STEPS = 200
MAX_LOCALS = 8
MAX_LINE_NUMBER = 1_000_000
MAX_RUN_EVIDENCE_BYTES = 64 * 1024
STEP_EVENTS = ("line", "return", "exception", "call")


@dataclass(frozen=True)
class CallEvidence:
    """One call the test made into the student's code, as the student's process saw it."""

    function: str
    args: list[str]
    returned: str | None = None
    raised: str | None = None
    # The last line the called function ran before returning (None: not recorded).
    return_line: int | None = None


@dataclass(frozen=True)
class TraceStep:
    """One step: `line` of `file` is about to run (event "line"), or a function returns."""

    file: str
    line: int
    event: str
    function: str
    depth: int
    locals: dict[str, str]
    # The returned value's repr ("return") or the exception's name ("exception").
    value: str | None = None


@dataclass(frozen=True)
class TestEvidence:
    __test__ = False  # not a pytest test class, despite the name

    calls: list[CallEvidence] = field(default_factory=list)
    calls_total: int = 0
    # Per student file: [line, times it ran] pairs, by line.
    lines: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # Line events recorded; cut: recording stopped at its cap (a long loop), counts are partial.
    events: int = 0
    cut: bool = False
    steps: list[TraceStep] = field(default_factory=list)
    steps_cut: bool = False


def parse_evidence(data: object, student_files: set[str]) -> TestEvidence | None:
    """The evidence a harness relayed, every field checked and capped; None when unusable."""
    if not isinstance(data, dict):
        return None
    return TestEvidence(
        calls=[call for call in map(_call, _items(data.get("calls"), MAX_CALLS)) if call],
        calls_total=_count(data.get("calls_total")),
        lines=_lines(data.get("lines"), student_files),
        events=_count(data.get("events")),
        cut=data.get("cut") is True,
        steps=[
            step
            for item in _items(data.get("steps"), MAX_STEPS)
            if (step := _step(item, student_files)) is not None
        ],
        steps_cut=data.get("steps_cut") is True,
    )


def cap_run_evidence(evidence: list[TestEvidence | None]) -> list[TestEvidence | None]:
    """Keeps a run's evidence under MAX_RUN_EVIDENCE_BYTES: trace steps go first, the last
    traced test's first (the first failing test's trace is the one hints use), then whole
    tests' evidence, from the last test."""
    capped = list(evidence)
    while _size(capped) > MAX_RUN_EVIDENCE_BYTES:
        with_steps = [i for i, item in enumerate(capped) if item is not None and item.steps]
        if with_steps:
            index = with_steps[-1]
            item = capped[index]
            assert item is not None
            kept = len(item.steps) // 2 if len(item.steps) > 20 else 0
            capped[index] = replace(item, steps=item.steps[:kept], steps_cut=True)
            continue
        present = [i for i, item in enumerate(capped) if item is not None]
        if not present:
            break
        capped[present[-1]] = None
    return capped


def _size(evidence: list[TestEvidence | None]) -> int:
    return len(json.dumps([asdict(item) for item in evidence if item is not None]))


def _items(value: object, cap: int) -> list[Any]:
    return value[:cap] if isinstance(value, list) else []


def _text(value: object, cap: int = MAX_TEXT) -> str | None:
    if not isinstance(value, str):
        return None
    return value if len(value) <= cap else value[: cap - 3] + "..."


def _count(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return min(value, 10**9)
    return 0


def _line(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_LINE_NUMBER:
        return value
    return None


def _call(value: object) -> CallEvidence | None:
    if not isinstance(value, dict):
        return None
    function = _text(value.get("function"), 80)
    if function is None:
        return None
    args = [text for text in map(_text, _items(value.get("args"), MAX_ARGS)) if text is not None]
    return CallEvidence(
        function=function,
        args=args,
        returned=_text(value.get("returned")),
        raised=_text(value.get("raised")),
        return_line=_line(value.get("return_line")),
    )


def _lines(value: object, student_files: set[str]) -> dict[str, list[tuple[int, int]]]:
    if not isinstance(value, dict):
        return {}
    lines: dict[str, list[tuple[int, int]]] = {}
    for file, pairs in value.items():
        if file not in student_files:
            continue
        counted = {}
        for pair in _items(pairs, MAX_LINES_PER_FILE):
            if isinstance(pair, list) and len(pair) == 2:
                line, count = _line(pair[0]), _count(pair[1])
                if line is not None and count > 0:
                    counted[line] = count
        lines[file] = sorted(counted.items())
    return lines


def _step(value: object, student_files: set[str]) -> TraceStep | None:
    if not isinstance(value, dict):
        return None
    file, line, event = value.get("file"), _line(value.get("line")), value.get("event")
    if file not in student_files or line is None or event not in STEP_EVENTS:
        return None
    raw_locals = value.get("locals")
    variables: dict[str, str] = {}
    if isinstance(raw_locals, dict):
        for name, text in list(raw_locals.items())[:MAX_LOCALS]:
            shown = _text(text, 60)
            if shown is not None:
                variables[name[:40]] = shown
    return TraceStep(
        file=str(file),
        line=line,
        event=str(event),
        function=_text(value.get("function"), 80) or "?",
        depth=min(_count(value.get("depth")), 1000),
        locals=variables,
        value=_text(value.get("value")),
    )
