"""From what the run left behind (results, exit status, why it stopped) to a RunResult."""

import signal
from collections.abc import Sequence
from dataclasses import replace
from typing import get_args

from tutor.sandbox.evidence import cap_run_evidence, parse_evidence
from tutor.sandbox.languages.base import TestId
from tutor.sandbox.models import Limits, Outcome, RunResult, RunStatus, TestResult
from tutor.sandbox.report import HarnessReport, Payload
from tutor.sandbox.supervisor import Execution

OUTCOMES: dict[object, Outcome] = {outcome: outcome for outcome in get_args(Outcome)}
# How the error entry of a test whose result never came back starts: the run was stopped (time,
# memory, output, a crash) during it, or before it started.
STOPPED_DURING = "stopped: "
NOT_RUN = "not run: "
# A skip counts only when the test's author wrote it as a decorator, which the host reads from
# the source; one that happens while the test runs may come from what the student's code did.
SKIPPED_AT_RUN_TIME = (
    "this test skipped itself while it ran; only a skip decorator leaves a test out of the verdict"
)


def judge(
    report: HarnessReport,
    execution: Execution,
    test_files: Sequence[str],
    static_tests: Sequence[TestId],
    limits: Limits,
    student_files: Sequence[str] = (),
) -> RunResult:
    expected = _expected_tests(report, test_files, static_tests)
    status = _status(report, execution, expected)
    why_stopped = _why_stopped(status, execution, limits)
    tests = [_test_result(test, report, why_stopped) for test in expected]
    if report.evidence or report.partial_evidence:
        tests = _with_evidence(tests, expected, report, set(student_files))
    return RunResult(
        status=status,
        tests=tests,
        message=_summary(status, tests, report, execution, limits),
        stdout=_output_text(execution.stdout, execution.flooded == "stdout", limits),
        stderr=_output_text(execution.stderr, execution.flooded == "stderr", limits),
        duration_ms=execution.duration_ms,
        exit_code=execution.exit_code,
        memory_peak_bytes=execution.memory_peak_bytes,
    )


def _expected_tests(
    report: HarnessReport, test_files: Sequence[str], static_tests: Sequence[TestId]
) -> list[TestId]:
    """Each file's tests as the host read them from the source: never names from the sandbox."""
    tests = []
    for file in test_files:
        found = [test for test in static_tests if test.file == file]
        if not found and file in report.collect_errors:
            found = [TestId(file, file)]  # a broken test file must still show up, as one entry
        tests += found
    return tests


def _status(report: HarnessReport, execution: Execution, expected: list[TestId]) -> RunStatus:
    # The kernel killed a process at the sandbox's memory cap: whatever followed (a test's
    # error, a timeout while the rest went on) comes from that.
    if execution.out_of_memory:
        return "memory_limit"
    if execution.stopped is not None:
        return execution.stopped
    errors = [*report.results.values(), *report.collect_errors.values()]
    if report.student_error is not None:
        errors.append(report.student_error)
    if any(error.get("memory_error") is True for error in errors):
        return "memory_limit"
    if report.student_error is not None:
        status = report.student_error.get("status")
        return status if status in ("syntax_error", "import_error") else "import_error"
    unexplained = [
        test
        for test in expected
        if test not in report.results and test.file not in report.collect_errors
    ]
    if not report.ready or (unexplained and not report.done):
        return "crashed"
    return "completed"


def _why_stopped(status: RunStatus, execution: Execution, limits: Limits) -> str:
    if status == "timeout":
        return f"the program ran past the {limits.time_seconds:g} s time limit"
    if status == "output_limit":
        return f"the program printed more than {limits.output_kb} KiB"
    if status == "memory_limit":
        return f"the program used more than {limits.memory_mb} MB of memory"
    return f"the program stopped unexpectedly ({_exit_description(execution.exit_code)})"


def _with_evidence(
    tests: list[TestResult], expected: list[TestId], report: HarnessReport, student_files: set[str]
) -> list[TestResult]:
    """Evidence rides beside each verdict; it is parsed apart and changes no outcome. A test
    stopped by a limit keeps the record it had when its recording reached its cap."""
    parsed = [
        parse_evidence(report.evidence.get(test, report.partial_evidence.get(test)), student_files)
        for test in expected
    ]
    capped = cap_run_evidence(parsed)
    return [replace(result, evidence=item) for result, item in zip(tests, capped, strict=True)]


def _test_result(test: TestId, report: HarnessReport, why_stopped: str) -> TestResult:
    payload = report.results.get(test)
    if payload is not None:
        result = _from_payload(test, payload)
        if result.outcome == "skipped" and not test.author_skip:
            return replace(
                result, outcome="error", message=f"{SKIPPED_AT_RUN_TIME} ({result.message})"
            )
        return result
    if report.student_error is not None:
        return _from_payload(test, {**report.student_error, "outcome": "error"})
    if test.file in report.collect_errors:
        return _from_payload(test, {**report.collect_errors[test.file], "outcome": "error"})
    if report.done:
        message = "this test did not run: the test file did not define it when it was loaded"
    elif test == report.running:
        message = f"{STOPPED_DURING}{why_stopped} during this test"
    else:
        message = f"{NOT_RUN}{why_stopped} before this test started"
    return TestResult(file=test.file, name=test.name, outcome="error", message=message)


def cut_off_by_stop(test: TestResult) -> bool:
    """Whether a test is one the run's stop cut off (no result of its own came back), not one
    that finished with an error: those always carry the error's traceback."""
    return (
        test.outcome == "error"
        and not test.traceback
        and test.message.startswith((STOPPED_DURING, NOT_RUN))
    )


def _from_payload(test: TestId, payload: Payload) -> TestResult:
    outcome = payload.get("outcome")
    line = payload.get("line")
    duration = payload.get("duration_ms")
    return TestResult(
        file=test.file,
        name=test.name,
        outcome=OUTCOMES.get(outcome, "error"),
        message=_text(payload.get("message")),
        expected=_optional_text(payload.get("expected")),
        actual=_optional_text(payload.get("actual")),
        stdout=_text(payload.get("stdout")),
        stderr=_text(payload.get("stderr")),
        traceback=_text(payload.get("traceback")).rstrip(),
        line=line if isinstance(line, int) and not isinstance(line, bool) else None,
        duration_ms=float(duration) if isinstance(duration, int | float) else 0.0,
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _optional_text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _summary(
    status: RunStatus,
    tests: list[TestResult],
    report: HarnessReport,
    execution: Execution,
    limits: Limits,
) -> str:
    passed = sum(test.outcome == "passed" for test in tests)
    progress = f" {passed} of {len(tests)} tests passed before that." if tests else ""
    if report.running is not None:
        running = f" during {report.running.name}"
    elif report.ready and not report.collected and not report.collect_errors:
        running = " while loading your code"
    else:
        running = ""
    if status == "completed":
        return _completed_summary(tests)
    if status in ("syntax_error", "import_error") and report.student_error is not None:
        return _text(report.student_error.get("message")).rstrip(".") + "."
    if status == "timeout":
        return (
            f"Your program ran past the {limits.time_seconds:g} s time limit{running}. "
            f"Look for a loop that never ends.{progress}"
        )
    if status == "memory_limit":
        return (
            f"Your program tried to use more than {limits.memory_mb} MB of memory. "
            "Look for a list or string that keeps growing."
        )
    if status == "output_limit":
        return (
            f"Your program printed more than {limits.output_kb} KiB{running}, so it was stopped. "
            f"Look for a print inside a loop that never ends.{progress}"
        )
    return (
        f"Your program stopped unexpectedly{running} "
        f"({_exit_description(execution.exit_code)}).{progress}"
    )


def _completed_summary(tests: list[TestResult]) -> str:
    if not tests:
        return "No tests were found."
    passed = sum(test.outcome == "passed" for test in tests)
    skipped = sum(test.outcome == "skipped" for test in tests)
    if passed and passed + skipped == len(tests):
        left_out = f" ({skipped} skipped by the exercise's author)" if skipped else ""
        return (f"All {passed} tests passed" if passed > 1 else "The test passed") + left_out + "."
    counts = [
        f"{count} {label}"
        for label, count in (
            ("failed", sum(test.outcome == "failed" for test in tests)),
            ("had an error", sum(test.outcome == "error" for test in tests)),
            ("skipped", sum(test.outcome == "skipped" for test in tests)),
        )
        if count
    ]
    return f"{passed} of {len(tests)} tests passed; {', '.join(counts)}."


def _exit_description(exit_code: int | None) -> str:
    # bwrap reports a program killed by signal N as 128 + N; Popen a killed bwrap as -N.
    if exit_code is not None and (exit_code < 0 or 128 < exit_code <= 128 + 64):
        number = -exit_code if exit_code < 0 else exit_code - 128
        try:
            return f"killed by {signal.Signals(number).name}"
        except ValueError:
            return f"killed by signal {number}"
    return f"exit code {exit_code}"


def _output_text(data: bytes, flooded: bool, limits: Limits) -> str:
    text = data.decode("utf-8", errors="replace")
    if flooded:
        text += f"\n[output cut: more than {limits.output_kb} KiB]"
    return text
