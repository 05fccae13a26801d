"""Grade student code: save the submission first, grade it in the runner queue, store the result."""

import contextlib
import logging
import math
from dataclasses import asdict, replace
from datetime import timedelta

import kombu.exceptions
import redis
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from exercises.models import Exercise, Submission
from exercises.services import heartbeats
from exercises.services.notifications import notify_submission_changed
from exercises.services.results import StoredResult, storable_result, stored_result
from exercises.signals import submit_graded
from tutor import ratelimit
from tutor.grounding.localise import localise
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

    def __init__(self, message: str, retry_after_seconds: float | None = None) -> None:
        super().__init__(message)
        # Set when it is the student's rate limit: the code may be sent again after this long.
        self.retry_after_seconds = retry_after_seconds


def run_exercise_tests(
    exercise: Exercise, code: str, *, include_hidden: bool, evidence: bool = True
) -> StoredResult:
    """Run code against an exercise's tests in the sandbox; the one grading path for all callers.

    Hidden tests run in a sandbox of their own: the student's code can read every file beside
    it, so in a shared run it could copy a hidden test into a visible test's message. Evidence
    of what the code did (for grounded hints and the step-through view) is stored for the
    visible tests only: it shows the values the tests pass. Code that passes every visible test
    runs the hidden ones with evidence on too (exercise.hidden_test_hints): it is read here, on
    the server, for the one line a hidden case reaches (result["hidden_line"]), and not stored.
    """
    visible = _run_in_sandbox(exercise, code, exercise.visible_tests, evidence=evidence)
    hidden = None
    hidden_line: int | None = None
    if include_hidden and exercise.hidden_tests:
        locate_hidden = evidence and visible.passed and exercise.hidden_test_hints
        hidden = _run_in_sandbox(exercise, code, exercise.hidden_tests, evidence=locate_hidden)
        hidden_line = (
            hidden_test_line(
                hidden,
                file=exercise.student_filename,
                source=code,
                reference=exercise.solution_code,
            )
            if locate_hidden and not hidden.passed
            else None
        )
        # Read here, on the server, and never stored: it shows the values the hidden tests pass.
        hidden = replace(hidden, tests=[replace(test, evidence=None) for test in hidden.tests])
    result = stored_result(
        visible, hidden, hidden_files=[test["filename"] for test in exercise.hidden_tests]
    )
    if hidden_line is not None:
        result["hidden_line"] = hidden_line
    return result


def hidden_test_line(
    hidden: RunResult, *, file: str, source: str, reference: str = ""
) -> int | None:
    """The likeliest line of the bug from the hidden tests' evidence: the only thing of it a
    student may learn (with the fact that a hidden case reaches it)."""
    located = localise(
        [],
        file,
        source=source,
        hidden_tests=[asdict(test) for test in hidden.tests],
        reference=reference,
        limit=1,
    )
    return located.lines[0].line if located.lines and located.evidence == "hidden" else None


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
        reference_files=[SourceFile(exercise.student_filename, exercise.solution_code)],
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
    """Save the code, then enqueue its grading once the row is committed.

    Every Run and Submit goes through here, so here the student's rate limit is enforced
    (LABTUTOR_SUBMISSION_RATE_LIMIT): CodeRejected with retry_after_seconds says how long to wait.
    """
    check_code(code)
    with transaction.atomic():
        duplicate = _recent_identical_submission(student, exercise, code, kind)
        if duplicate is not None:
            return duplicate
        _check_rate(student)
        superseded = _supersede_queued(student)
        submission = Submission.objects.create(
            student=student, exercise=exercise, code=code, kind=kind
        )
        transaction.on_commit(lambda: _enqueue_grading(submission.pk))
        for old in superseded:
            transaction.on_commit(lambda old=old: notify_submission_changed(old))  # type: ignore[misc]
    return submission


def _check_rate(student: User) -> None:
    try:
        wait = ratelimit.hit_submission(student.pk)
    except redis.RedisError as error:
        # Grading goes on without Redis (the watchdog enqueues what was saved): so does this.
        logger.warning("No submission rate limit for user %s: %s", student.pk, error)
        return
    if wait is not None:
        raise CodeRejected(
            f"You are running your code too often; wait {math.ceil(wait)} s and try again.",
            retry_after_seconds=wait,
        )


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


def _finish_with_result(submission: Submission, result: StoredResult) -> None:
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
