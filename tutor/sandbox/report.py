"""Reading the harness's JSON result lines. They come from inside the sandbox: trust no field."""

import json
from dataclasses import dataclass, field
from typing import Any

from tutor.sandbox.languages.base import TestId

Payload = dict[str, Any]


@dataclass
class HarnessReport:
    # The harness started: the sandbox itself was set up fine.
    ready: bool = False
    # A student module failed to import; every test gets this error.
    student_error: Payload | None = None
    # Test names per test file, as the harness collected them.
    collected: dict[str, list[str]] = field(default_factory=dict)
    # Test files that failed to import.
    collect_errors: dict[str, Payload] = field(default_factory=dict)
    results: dict[TestId, Payload] = field(default_factory=dict)
    # The test that started last and never finished.
    running: TestId | None = None


def parse_report(data: bytes, nonce: str) -> HarnessReport:
    """Lines without the run's nonce (or not JSON objects) are ignored; the first result wins."""
    report = HarnessReport()
    for line in data.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if not isinstance(event, dict) or event.get("n") != nonce:
            continue
        _apply(report, event)
    return report


def _apply(report: HarnessReport, event: Payload) -> None:
    kind = event.get("event")
    file = event.get("file")
    if kind == "ready":
        report.ready = True
    elif kind == "student_error" and report.student_error is None:
        report.student_error = event
    elif kind == "collected" and isinstance(file, str) and isinstance(event.get("tests"), list):
        report.collected.setdefault(file, [str(name) for name in event["tests"]])
    elif kind == "collect_error" and isinstance(file, str):
        report.collect_errors.setdefault(file, event)
    elif kind in ("start", "result") and isinstance(file, str):
        test = TestId(file, str(event.get("name")))
        if kind == "start":
            report.running = test
        else:
            report.results.setdefault(test, event)
            if report.running == test:
                report.running = None
