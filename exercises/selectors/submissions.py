"""Read submissions the way each viewer may see them."""

from typing import TypedDict, cast

from django.contrib.auth.models import AnonymousUser, User

from exercises.models import Submission
from exercises.services.results import StoredResult, TestPayload, storable_result
from tutor.accounts.roles import is_instructor

# What a student sees of a hidden test: what it is and whether it passed. Its message, values,
# output, and how long it ran all depend on the hidden inputs (a solution that sleeps in
# proportion to its input would spell them out), and an error rather than a failure is one more
# bit the student's code chooses: a hidden test that did not pass is "failed".
SHOWN_HIDDEN_OUTCOMES = {"passed": "passed", "skipped": "skipped"}


def submission_for_viewer(user: User | AnonymousUser, submission_id: int) -> Submission | None:
    """The submission if this user may see it: its author, or an instructor."""
    submission = Submission.objects.select_related("exercise").filter(pk=submission_id).first()
    if submission is None or not user.is_authenticated:
        return None
    if submission.student_id == user.pk or is_instructor(user):
        return submission
    return None


def redact_result_for_student(result: StoredResult | None) -> StoredResult | None:
    """Hidden tests keep their name and pass/fail; nothing measured while they ran (message,
    values, output, time) reaches the student, nor does the hidden run's summary."""
    if result is None:
        return None
    hidden_files = set(result.get("hidden_files", []))
    visible = cast(
        StoredResult,
        {key: value for key, value in result.items() if key not in {"tests", "hidden_run"}},
    )
    visible["tests"] = [
        _redact_test(test) if test.get("file") in hidden_files else test
        for test in result.get("tests", [])
    ]
    return visible


def _redact_test(test: TestPayload) -> TestPayload:
    return TestPayload(
        file=test.get("file", ""),
        name=test.get("name", ""),
        outcome=SHOWN_HIDDEN_OUTCOMES.get(test.get("outcome", ""), "failed"),
        hidden=True,
    )


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
    result: StoredResult | None


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
        "result": result,
    }
