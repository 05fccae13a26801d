"""Reading the harness's JSON result lines. They come from inside the sandbox: trust no field.

Parsing is bounded: the report itself is capped by the supervisor, each line is length-checked
before json sees it, nesting that json cannot handle is one ignored line, and only tests the host
found by its own reading of the test files are kept (names the report invents are dropped).
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tutor.sandbox.languages.base import TestId

Payload = dict[str, Any]
# A result line holds a few capped fields (output, traceback, reprs): far below this.
MAX_LINE_BYTES = 256 * 1024
_decode = json.JSONDecoder().decode


@dataclass
class HarnessReport:
    # The harness started: the sandbox itself was set up fine.
    ready: bool = False
    # The harness went through every test it collected.
    done: bool = False
    # A student module failed to import; every test gets this error.
    student_error: Payload | None = None
    # Test names per test file, as the harness collected them (known names only).
    collected: dict[str, list[str]] = field(default_factory=dict)
    # Test files that failed to import.
    collect_errors: dict[str, Payload] = field(default_factory=dict)
    results: dict[TestId, Payload] = field(default_factory=dict)
    # The test that started last and never finished.
    running: TestId | None = None
    # What the student's process recorded per test (untrusted; see tutor/sandbox/evidence.py).
    evidence: dict[TestId, object] = field(default_factory=dict)
    # The record of a test so far, sent when its recording stopped at its cap: what is left of
    # a test the time limit stopped (a test that finished has its whole record in evidence).
    partial_evidence: dict[TestId, object] = field(default_factory=dict)
    # A run of the exercise's reference: the kinds of value handed out from each place.
    kinds: dict[str, list[str]] = field(default_factory=dict)


def parse_report(
    data: bytes, nonce: str, known_tests: Sequence[TestId] | None = None
) -> HarnessReport:
    """Lines without the run's nonce (or not JSON objects) are ignored; the first result wins.

    known_tests: the tests the host found; results and starts for any other name are dropped
    (None keeps every name, for tools that read a report on its own).
    """
    report = HarnessReport()
    known = None if known_tests is None else set(known_tests)
    files = None if known_tests is None else {test.file for test in known_tests}
    marker = nonce.encode()
    for line in data.splitlines():
        if len(line) > MAX_LINE_BYTES or marker not in line[:80]:
            continue
        try:
            event = _decode(line.decode("utf-8"))
        except (ValueError, RecursionError, MemoryError, UnicodeDecodeError):
            continue
        if not isinstance(event, dict) or event.get("n") != nonce:
            continue
        _apply(report, event, known, files)
    return report


def _apply(
    report: HarnessReport,
    event: Payload,
    known: set[TestId] | None,
    files: set[str] | None,
) -> None:
    kind = event.get("event")
    file = event.get("file")
    if kind == "ready":
        report.ready = True
    elif kind == "kinds" and isinstance(event.get("places"), dict) and not report.kinds:
        report.kinds = _kinds(event["places"])
    elif kind == "done":
        report.done = True
    elif kind == "student_error" and report.student_error is None:
        report.student_error = event
    elif kind == "collected" and isinstance(file, str) and isinstance(event.get("tests"), list):
        if files is not None and file not in files:
            return
        names = [name for name in event["tests"] if isinstance(name, str)]
        if known is not None:
            names = [name for name in names if TestId(file, name) in known]
        report.collected.setdefault(file, list(dict.fromkeys(names)))
    elif kind == "collect_error" and isinstance(file, str):
        if files is None or file in files:
            report.collect_errors.setdefault(file, event)
    elif kind in ("start", "result", "evidence", "evidence_partial") and isinstance(file, str):
        name = event.get("name")
        if not isinstance(name, str):
            return
        test = TestId(file, name)
        if known is not None and test not in known:
            return
        if kind == "start":
            report.running = test
        elif kind == "evidence":
            report.evidence.setdefault(test, event.get("data"))
        elif kind == "evidence_partial":
            report.partial_evidence.setdefault(test, event.get("data"))
        else:
            report.results.setdefault(test, event)
            if report.running == test:
                report.running = None


MAX_KIND_PLACES = 2000
MAX_KIND_CHARS = 300


def _kinds(places: dict[object, object]) -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {}
    for place, names in list(places.items())[:MAX_KIND_PLACES]:
        if not isinstance(place, str) or len(place) > MAX_KIND_CHARS or not isinstance(names, list):
            continue
        kept = [name for name in names[:50] if isinstance(name, str) and len(name) <= 200]
        if kept:
            kinds[place] = kept
    return kinds
