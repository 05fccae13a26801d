"""Read submissions the way each viewer may see them."""

from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from exercises.models import Submission
from tutor.accounts.roles import is_instructor

HIDDEN_TEST_FIELDS = ("file", "name", "outcome", "duration_ms")


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


def submission_payload(submission: Submission, *, for_instructor: bool) -> dict[str, Any]:
    """What a browser receives about one submission."""
    result = submission.result if for_instructor else redact_result_for_student(submission.result)
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
