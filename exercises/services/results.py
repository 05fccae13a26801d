"""The stored grading result: its types, how it is built from the sandbox's runs, and how it is
made safe to store and to send.

One typed shape from the sandbox's RunResult to the socket: `stored_result` builds it (the
visible run, the hidden run's verdicts, the hidden run's summary for instructors),
`storable_result` cleans and caps it, exercises/selectors/submissions.py shows it to each viewer.
Everything in a result came out of a sandbox. PostgreSQL's jsonb refuses NUL characters and lone
surrogates (a program may print either), and one WebSocket message must carry the result (the
workspace's hello includes the latest one), so the stored result is cleaned and capped here.
"""

import json
from typing import Any, TypedDict, cast

from tutor.sandbox import RunResult, TestResult
from tutor.sandbox.evidence import TestEvidence

MAX_STORED_RESULT_BYTES = 256 * 1024
# The hidden tests' share of it (their fields and the hidden run's), capped on its own.
MAX_HIDDEN_PART_BYTES = 64 * 1024
MAX_TESTS_KEPT = 2000
# When the whole result is over the cap, these fields are cut, most verbose first.
SHRINKABLE_FIELDS = ("stdout", "stderr", "traceback", "actual", "expected", "message")
SHRUNK_CHARS = (2000, 200, 0)
CUT_NOTE = "\n[cut: the result was too long to keep]"


class CallPayload(TypedDict):
    """A call a visible test made into the student's code (reprs, capped)."""

    function: str
    args: list[str]
    returned: str | None
    raised: str | None
    return_line: int | None


class TraceStepPayload(TypedDict):
    file: str
    line: int
    event: str  # "line" (about to run), "return", "exception", "call"
    function: str
    depth: int
    locals: dict[str, str]
    value: str | None


class EvidencePayload(TypedDict):
    """What the student's code did in one visible test (tutor/sandbox/evidence.py): recorded
    in the student's sandbox, so untrusted and shown as text only; never part of a verdict."""

    calls: list[CallPayload]
    calls_total: int
    lines: dict[str, list[list[int]]]  # file -> [line, times run]
    events: int
    cut: bool
    steps: list[TraceStepPayload]  # the first three failing visible tests' only
    steps_cut: bool


class TestPayload(TypedDict, total=False):
    """One test of a result. A hidden test, as students see it, is file, name, outcome
    ("passed", "failed" or "skipped") and hidden only: nothing measured while it ran."""

    file: str
    name: str
    outcome: str
    message: str
    expected: str | None
    actual: str | None
    stdout: str
    stderr: str
    traceback: str
    line: int | None
    duration_ms: float
    evidence: EvidencePayload | None
    hidden: bool


class RunPayload(TypedDict, total=False):
    """A run's own fields: for the visible run, the result's top level; for the hidden run,
    `hidden_run`, which only instructors see (it may quote the hidden tests)."""

    status: str
    message: str
    stdout: str
    stderr: str
    duration_ms: float
    exit_code: int | None
    # The most memory one sandbox of the run held, as the host's cgroup counted it.
    memory_peak_bytes: int | None
    passed: bool


class StoredResult(RunPayload, total=False):
    """Submission.result: the visible run's fields, every test (hidden ones after the visible
    ones), the hidden test files' names and, for a Submit, the hidden run's summary. Rows
    stored by older versions may lack keys: readers use .get()."""

    tests: list[TestPayload]
    hidden_files: list[str]
    hidden_run: RunPayload
    # A Submit that passes every visible test and fails hidden ones: the line a hidden case
    # reaches, located on the server (exercise.hidden_test_hints); nothing else of the case.
    hidden_line: int


def stored_result(
    visible: RunResult, hidden: RunResult | None, *, hidden_files: list[str]
) -> StoredResult:
    """The result of a Run (hidden=None) or a Submit, as it is stored."""
    result = StoredResult(
        **run_payload(visible),
        tests=[payload_of_test(test) for test in visible.tests],
        hidden_files=hidden_files,
    )
    if hidden is not None:
        result["tests"] += [payload_of_test(test) for test in hidden.tests]
        result["passed"] = visible.passed and hidden.passed
        result["message"] = _combined_message(visible, hidden)
        result["hidden_run"] = run_payload(hidden)
    return result


def run_payload(run: RunResult) -> RunPayload:
    return RunPayload(
        status=run.status,
        message=run.message,
        stdout=run.stdout,
        stderr=run.stderr,
        duration_ms=run.duration_ms,
        exit_code=run.exit_code,
        memory_peak_bytes=run.memory_peak_bytes,
        passed=run.passed,
    )


def payload_of_test(test: TestResult) -> TestPayload:
    return TestPayload(
        file=test.file,
        name=test.name,
        outcome=test.outcome,
        message=test.message,
        expected=test.expected,
        actual=test.actual,
        stdout=test.stdout,
        stderr=test.stderr,
        traceback=test.traceback,
        line=test.line,
        duration_ms=test.duration_ms,
        evidence=_evidence_payload(test.evidence) if test.evidence is not None else None,
    )


def _evidence_payload(evidence: TestEvidence) -> EvidencePayload:
    return EvidencePayload(
        calls=[
            CallPayload(
                function=call.function,
                args=list(call.args),
                returned=call.returned,
                raised=call.raised,
                return_line=call.return_line,
            )
            for call in evidence.calls
        ],
        calls_total=evidence.calls_total,
        lines={file: [list(pair) for pair in pairs] for file, pairs in evidence.lines.items()},
        events=evidence.events,
        cut=evidence.cut,
        steps=[
            TraceStepPayload(
                file=step.file,
                line=step.line,
                event=step.event,
                function=step.function,
                depth=step.depth,
                locals=dict(step.locals),
                value=step.value,
            )
            for step in evidence.steps
        ],
        steps_cut=evidence.steps_cut,
    )


def _combined_message(visible: RunResult, hidden: RunResult) -> str:
    if not visible.passed:
        return visible.message
    total = len(visible.tests) + len(hidden.tests)
    if hidden.passed:
        return f"All {total} tests passed."
    failing = sum(1 for test in hidden.tests if test.outcome in {"failed", "error"})
    return f"Your code passes the visible tests but fails {failing} hidden test(s)."


def storable_result(result: StoredResult) -> StoredResult:
    """The result with NULs and lone surrogates replaced, and its size under the cap.

    What the student sees (the visible run and tests) and the hidden tests are capped apart,
    each within its own share: how much the hidden tests printed never cuts a visible field, so
    what the student sees tells nothing of it.
    """
    clean = cast(StoredResult, _clean(result))
    hidden_files = set(clean.get("hidden_files", []))
    tests = clean.get("tests", [])
    visible = cast(
        StoredResult, {key: value for key, value in clean.items() if key != "hidden_run"}
    )
    visible["tests"] = [test for test in tests if test.get("file") not in hidden_files]
    hidden = StoredResult(tests=[test for test in tests if test.get("file") in hidden_files])
    if "hidden_run" in clean:
        hidden["hidden_run"] = clean["hidden_run"]
    _fit(visible, MAX_STORED_RESULT_BYTES - MAX_HIDDEN_PART_BYTES)
    _fit(hidden, MAX_HIDDEN_PART_BYTES)
    visible["tests"] += hidden["tests"]
    if "hidden_run" in hidden:
        visible["hidden_run"] = hidden["hidden_run"]
    return visible


def _fit(part: StoredResult, budget: int) -> None:
    if _size(part) > budget:
        # Evidence (capped on its own, tutor/sandbox/evidence.py) is the first thing to go.
        for test in part.get("tests", []):
            if isinstance(test, dict):
                test.pop("evidence", None)
    for limit in SHRUNK_CHARS:
        if _size(part) <= budget:
            return
        _shrink(part, limit)
    # Still too big (a huge number of tests): keep the verdicts only.
    part["tests"] = [
        TestPayload(
            file=test.get("file", ""), name=test.get("name", ""), outcome=test.get("outcome", "")
        )
        for test in part.get("tests", [])[:MAX_TESTS_KEPT]
    ]


def clean_text(text: str) -> str:
    """NUL and lone surrogates (invalid in PostgreSQL text and jsonb) become U+FFFD."""
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(key)): _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


def _size(result: StoredResult) -> int:
    return len(json.dumps(result, ensure_ascii=False).encode())


def _shrink(result: StoredResult, limit: int) -> None:
    records: list[Any] = [result, *result.get("tests", [])]
    hidden_run = result.get("hidden_run")
    if isinstance(hidden_run, dict):
        records.append(hidden_run)
    for record in records:
        for field in SHRINKABLE_FIELDS:
            text = record.get(field)
            if isinstance(text, str) and len(text) > limit:
                record[field] = text[:limit] + CUT_NOTE
