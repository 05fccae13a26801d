"""Grade student code: save the submission first, grade it in the runner queue, store the result."""

import contextlib
import logging
from dataclasses import asdict
from datetime import timedelta
from typing import Any

import kombu.exceptions
import redis
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from exercises.models import Exercise, Submission
from exercises.services import heartbeats
from exercises.services.notifications import notify_submission_changed
from exercises.services.results import storable_result
from exercises.signals import submit_graded
from tutor.live.services.notify import notify_student_changed
from tutor.sandbox import (
    Limits,
    RunResult,
    SandboxBusy,
    SandboxUnavailable,
    SourceFile,
    run_tests,
)

logger = logging.getLogger(__name__)

MAX_CODE_BYTES = 64 * 1024
# A double click, or a retry after a dropped connection, must not grade the same code twice.
DUPLICATE_WINDOW = timedelta(seconds=10)
# After this many starts the grader is crashing on this code, not the code failing its tests.
MAX_GRADING_ATTEMPTS = 2
FINISHED_STATUSES = {Submission.Status.DONE, Submission.Status.ERROR}
SUPERSEDED_MESSAGE = (
    "Not graded: replaced by your newer Run or Submit (one at a time waits for the grader)."
)


class CodeRejected(ValueError):
    """The code cannot be accepted for grading; the message is meant for the student."""


def run_exercise_tests(
    exercise: Exercise, code: str, *, include_hidden: bool, evidence: bool = True
) -> dict[str, Any]:
    """Run code against an exercise's tests in the sandbox; the one grading path for all callers.

    Hidden tests run in a sandbox of their own: the student's code can read every file beside
    it, so in a shared run it could copy a hidden test into a visible test's message. Evidence
    of what the code did (for grounded hints and the step-through view) is recorded for the
    visible tests only: it shows the values the tests pass.
    """
    visible = _run_in_sandbox(exercise, code, exercise.visible_tests, evidence=evidence)
    data = visible.to_dict()
    data["hidden_files"] = [test["filename"] for test in exercise.hidden_tests]
    if include_hidden and exercise.hidden_tests:
        hidden = _run_in_sandbox(exercise, code, exercise.hidden_tests)
        data["tests"] += [asdict(test) for test in hidden.tests]
        data["passed"] = visible.passed and hidden.passed
        data["message"] = _combined_message(visible, hidden)
        # Only instructors see this: it may quote the hidden tests.
        data["hidden_run"] = {
            key: value for key, value in hidden.to_dict().items() if key not in {"tests"}
        }
    return data


def _combined_message(visible: RunResult, hidden: RunResult) -> str:
    if not visible.passed:
        return visible.message
    total = len(visible.tests) + len(hidden.tests)
    if hidden.passed:
        return f"All {total} tests passed."
    failing = sum(1 for test in hidden.tests if test.outcome in {"failed", "error"})
    return f"Your code passes the visible tests but fails {failing} hidden test(s)."


def _run_in_sandbox(
    exercise: Exercise, code: str, tests: list[dict[str, str]], *, evidence: bool = False
) -> RunResult:
    return run_tests(
        language=exercise.language,
        student_files=[SourceFile(exercise.student_filename, code)],
        test_files=_source_files(tests),
        limits=Limits(time_seconds=exercise.time_limit_seconds, memory_mb=exercise.memory_limit_mb),
        support_files=_source_files(exercise.support_files),
        data_files=_source_files(exercise.data_files),
        in_process=exercise.in_process,
        evidence=evidence and not exercise.in_process,
    )


def _source_files(files: list[dict[str, str]]) -> list[SourceFile]:
    return [SourceFile(file["filename"], file["code"]) for file in files]


def check_code(code: str) -> None:
    """Raises CodeRejected for code that cannot be stored or graded."""
    if len(code.encode()) > MAX_CODE_BYTES:
        raise CodeRejected(f"Your code is over {MAX_CODE_BYTES // 1024} KiB; make it shorter.")
    if "\x00" in code:
        # Python refuses it, and PostgreSQL cannot store it in a text column.
        raise CodeRejected("Your code contains a NUL character (\\0); delete it.")


def submit_code(student: User, exercise: Exercise, code: str, kind: Submission.Kind) -> Submission:
    """Save the code, then enqueue its grading once the row is committed."""
    check_code(code)
    with transaction.atomic():
        duplicate = _recent_identical_submission(student, exercise, code, kind)
        if duplicate is not None:
            return duplicate
        superseded = _supersede_queued(student)
        submission = Submission.objects.create(
            student=student, exercise=exercise, code=code, kind=kind
        )
        transaction.on_commit(lambda: _enqueue_grading(submission.pk))
        for old in superseded:
            transaction.on_commit(lambda old=old: notify_submission_changed(old))  # type: ignore[misc]
    return submission


def _supersede_queued(student: User) -> list[Submission]:
    """Fair share of the runners: a student has at most one Run or Submit waiting. A new one
    replaces the one still queued (one being graded finishes); its task then finds it done."""
    queued = list(
        Submission.objects.select_for_update().filter(
            student=student, status=Submission.Status.QUEUED
        )
    )
    now = timezone.now()
    for old in queued:
        old.status = Submission.Status.ERROR
        old.error_message = SUPERSEDED_MESSAGE
        old.finished_at = now
        old.save(update_fields=["status", "error_message", "finished_at"])
    return queued


def _recent_identical_submission(
    student: User, exercise: Exercise, code: str, kind: str
) -> Submission | None:
    return (
        Submission.objects.filter(
            student=student,
            exercise=exercise,
            kind=kind,
            code=code,
            created_at__gte=timezone.now() - DUPLICATE_WINDOW,
        )
        .exclude(status=Submission.Status.ERROR)
        .first()
    )


def _enqueue_grading(submission_id: int) -> None:
    from exercises.tasks import grade_submission_task

    try:
        grade_submission_task.delay(submission_id)
    except (kombu.exceptions.OperationalError, redis.RedisError) as error:
        # The broker (Redis) is down. The row is saved as queued: the runners' watchdog
        # enqueues it again once Redis answers (exercises/services/recovery.py).
        logger.error("Could not enqueue submission %s: %s", submission_id, error)


def grade_submission(submission_id: int) -> None:
    """Grade one submission. Safe to call twice: finished submissions are left alone."""
    submission = _claim_for_grading(submission_id)
    if submission is None:
        return
    notify_submission_changed(submission)
    try:
        with heartbeats.beating(submission.pk):
            result = run_exercise_tests(
                submission.exercise,
                submission.code,
                include_hidden=submission.kind == Submission.Kind.SUBMIT,
            )
    except SandboxBusy:
        _release_claim(submission)
        raise
    except SandboxUnavailable as error:
        logger.error("Sandbox unavailable for submission %s: %s", submission_id, error)
        _finish_with_error(submission, f"The grader cannot run code on this server: {error}")
        return
    _finish_with_result(submission, result)


def _claim_for_grading(submission_id: int) -> Submission | None:
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update()
            .select_related("exercise")
            .filter(pk=submission_id)
            .first()
        )
        if submission is None or submission.is_finished:
            return None
        if submission.grading_attempts >= MAX_GRADING_ATTEMPTS:
            # The worker died while grading this code before: stop retrying, tell the student.
            _finish_with_error(
                submission, "Grading stopped unexpectedly twice. Please run your code again."
            )
            return None
        submission.status = Submission.Status.RUNNING
        submission.grading_attempts += 1
        submission.started_at = timezone.now()
        submission.save(update_fields=["status", "grading_attempts", "started_at"])
    _beat_safely(submission.pk)
    return submission


def _beat_safely(submission_id: int) -> None:
    try:
        heartbeats.beat(submission_id)
    except redis.RedisError as error:
        # Grading goes on without Redis; the watchdog gives a restarted Redis time to refill.
        logger.warning("No heartbeat for submission %s: %s", submission_id, error)


def _release_claim(submission: Submission) -> None:
    """Every sandbox slot stayed busy: put the submission back in line, attempt not counted."""
    submission.status = Submission.Status.QUEUED
    submission.grading_attempts -= 1
    submission.save(update_fields=["status", "grading_attempts"])
    notify_submission_changed(submission)


def _finish_with_result(submission: Submission, result: dict[str, Any]) -> None:
    result = storable_result(result)
    tests = result.get("tests", [])
    submission.result = result
    submission.passed = bool(result.get("passed"))
    submission.tests_total = len(tests)
    submission.tests_passed = sum(1 for test in tests if test.get("outcome") == "passed")
    submission.status = Submission.Status.DONE
    _finish(submission, ["result", "passed", "tests_total", "tests_passed", "status"])


def _finish_with_error(submission: Submission, message: str) -> None:
    submission.status = Submission.Status.ERROR
    submission.error_message = message
    _finish(submission, ["status", "error_message"])


def _finish(submission: Submission, fields: list[str]) -> bool:
    """Stores the outcome unless another attempt already did: a duplicate message, or a worker
    the watchdog took for dead, must not overwrite a grade. Watchers hear of it once committed,
    so that the row they re-read is the finished one."""
    with transaction.atomic():
        status = (
            Submission.objects.select_for_update()
            .filter(pk=submission.pk)
            .values_list("status", flat=True)
            .first()
        )
        if status is None or status in FINISHED_STATUSES:
            return False
        submission.finished_at = timezone.now()
        submission.save(update_fields=[*fields, "finished_at"])
        transaction.on_commit(lambda: _tell_finished(submission))
    return True


def _tell_finished(submission: Submission) -> None:
    with contextlib.suppress(redis.RedisError):  # the keys expire by themselves
        heartbeats.forget(submission.pk)
    notify_submission_changed(submission)
    notify_student_changed(submission.student_id)
    if submission.kind == Submission.Kind.SUBMIT and submission.status == Submission.Status.DONE:
        submit_graded.send_robust(sender=Submission, submission=submission)
