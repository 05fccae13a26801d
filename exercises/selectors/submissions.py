"""Read submissions the way each viewer may see them."""

from typing import Any, TypedDict, cast

from django.contrib.auth.models import AnonymousUser, User

from exercises.models import Submission
from exercises.services.results import storable_result
from tutor.accounts.roles import is_instructor

HIDDEN_TEST_FIELDS = ("file", "name", "outcome", "duration_ms")


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
    """One test of a result; a hidden test carries file, name, outcome, duration_ms, hidden."""

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


class ResultPayload(TypedDict, total=False):
    """A stored result (RunResult.to_dict() plus grading's fields), cleaned and capped."""

    status: str
    message: str
    stdout: str
    stderr: str
    duration_ms: float
    exit_code: int | None
    passed: bool
    tests: list[TestPayload]
    hidden_files: list[str]
    # A Submit failing hidden tests only: the line a hidden case reaches (nothing else of it).
    hidden_line: int


def submission_for_viewer(user: User | AnonymousUser, submission_id: int) -> Submission | None:
    """The submission if this user may see it: its author, or an instructor."""
    submission = Submission.objects.select_related("exercise").filter(pk=submission_id).first()
    if submission is None or not user.is_authenticated:
        return None
    if submission.student_id == user.pk or is_instructor(user):
        return submission
    return None


def redact_result_for_student(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """Hidden tests keep their name and verdict; their inputs, values and output stay secret."""
    if result is None:
        return None
    hidden_files = set(result.get("hidden_files", []))
    visible = {key: value for key, value in result.items() if key not in {"tests", "hidden_run"}}
    visible["tests"] = [
        _redact_test(test) if test.get("file") in hidden_files else test
        for test in result.get("tests", [])
    ]
    return visible


def _redact_test(test: dict[str, Any]) -> dict[str, Any]:
    redacted = {field: test.get(field) for field in HIDDEN_TEST_FIELDS}
    redacted["hidden"] = True
    return redacted


class SubmissionPayload(TypedDict):
    """One submission as the browser receives it (docs/websocket-protocol.md, `submission`)."""

    id: int
    exercise: str
    kind: str
    status: str
    passed: bool | None
    tests_passed: int
    tests_total: int
    # For a submission that was not graded: why (e.g. replaced by the student's newer one).
    error_message: str
    # The stored result (cleaned and capped when stored), redacted for students.
    result: ResultPayload | None


def submission_payload(submission: Submission, *, for_instructor: bool) -> SubmissionPayload:
    """What a browser receives about one submission."""
    # Results are cleaned and capped when stored; rows stored before that are made so here, so
    # that one can never break the page's socket (a lone surrogate cannot be sent as UTF-8).
    stored = storable_result(submission.result) if submission.result is not None else None
    result = stored if for_instructor else redact_result_for_student(stored)
    return {
        "id": submission.pk,
        "exercise": submission.exercise.slug,
        "kind": submission.kind,
        "status": submission.status,
        "passed": submission.passed,
        "tests_passed": submission.tests_passed,
        "tests_total": submission.tests_total,
        "error_message": submission.error_message,
        "result": cast(ResultPayload | None, result),
    }
