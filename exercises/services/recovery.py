"""Find submissions that a dead worker or a lost message left unfinished, and finish them.

A submission is saved before it is graded, so none is ever lost; but one can stay "queued" or
"running" forever: its runner worker was killed mid-grade (the broker would redeliver the task
only after its visibility timeout, ten minutes), Redis restarted and forgot the queue, or no
runner worker is running at all. `recover_submission` decides, with the row locked, what to do
with one; every worker's watchdog (tutor/watchdog.py) sweeps them all every few seconds.

- running, no heartbeat: its worker died. Graded again, up to MAX_GRADING_ATTEMPTS starts;
  after that an error, since the code itself may be what kills the grader.
- running past GRADING_STUCK_SECONDS: stuck whatever its heartbeat says; an error.
- queued past REQUEUE_SECONDS: its message may be gone; enqueued again (a duplicate message
  finds the submission finished and does nothing).
- queued while no runner worker has been alive for NO_WORKER_SECONDS: an error that says so.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from exercises.models import Submission
from exercises.services import grading, heartbeats
from exercises.services.notifications import notify_submission_changed
from tutor import workers
from tutor.jobs import Recovery, sweep

logger = logging.getLogger(__name__)

RUNNER_QUEUE = "runner"
GRADER_DIED_TWICE = "Grading stopped unexpectedly twice. Please run your code again."
GRADING_STUCK = "Grading took too long and was stopped. Please run your code again."
NO_GRADER = (
    "No grader is running on the server, so your code was not tested. It is saved: press Run "
    "again in a minute, and tell your instructor if this keeps happening."
)
SWEEP_BATCH = 200
UNFINISHED = [Submission.Status.QUEUED, Submission.Status.RUNNING]


def recover_submission(submission_id: int, now: datetime | None = None) -> Recovery | None:
    """Re-enqueue or fail one unfinished submission if it is stuck; None if it is fine."""
    now = now or timezone.now()
    # Decided once without a lock: nearly every check finds a healthy submission, and on
    # SQLite a row lock takes the database's one write lock.
    seen = Submission.objects.filter(pk=submission_id, status__in=UNFINISHED).first()
    if seen is None or _verdict(seen, now) is None:
        return None
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update().filter(pk=submission_id, status__in=UNFINISHED)
        ).first()
        verdict = None if submission is None else _verdict(submission, now)
        if submission is None or verdict is None:
            return None
        action, message = verdict
        if action == Recovery.FAILED:
            grading._finish_with_error(submission, message)
        elif not _requeue(submission):
            return None
    logger.warning("Submission %s was stuck %s: %s", submission_id, seen.status, action)
    return action


def _verdict(submission: Submission, now: datetime) -> tuple[Recovery, str] | None:
    """What to do with an unfinished submission (and the error message), or None: leave it."""
    if submission.status == Submission.Status.RUNNING:
        started = submission.started_at or submission.created_at
        if now - started > timedelta(seconds=settings.GRADING_STUCK_SECONDS):
            return Recovery.FAILED, GRADING_STUCK
        if now - started < timedelta(seconds=heartbeats.GRADING.heartbeat_ttl_seconds):
            return None
        # A Redis younger than a heartbeat forgot the heartbeats of live workers too.
        if heartbeats.is_alive(submission.pk) or workers.redis_restarted_within(
            heartbeats.GRADING.heartbeat_ttl_seconds
        ):
            return None
        if submission.grading_attempts >= grading.MAX_GRADING_ATTEMPTS:
            return Recovery.FAILED, GRADER_DIED_TWICE
        return Recovery.REQUEUED, ""
    waited = (now - submission.created_at).total_seconds()
    if waited > settings.NO_WORKER_SECONDS and workers.no_worker_for(
        RUNNER_QUEUE, settings.NO_WORKER_SECONDS
    ):
        return Recovery.FAILED, NO_GRADER
    if waited > settings.REQUEUE_SECONDS and not heartbeats.requeued_recently(submission.pk):
        return Recovery.REQUEUED, ""
    return None


def _requeue(submission: Submission) -> bool:
    # One process re-enqueues it per REQUEUE_SECONDS, however many sweep at once.
    if not heartbeats.claim_requeue(submission.pk, settings.REQUEUE_SECONDS):
        return False
    if submission.status != Submission.Status.QUEUED:
        submission.status = Submission.Status.QUEUED
        submission.save(update_fields=["status"])
        transaction.on_commit(lambda: notify_submission_changed(submission))
    transaction.on_commit(lambda: grading._enqueue_grading(submission.pk))
    return True


def candidates(now: datetime | None = None) -> list[int]:
    """Unfinished submissions old enough that one of the rules above could apply."""
    now = now or timezone.now()
    waited = min(settings.REQUEUE_SECONDS, settings.NO_WORKER_SECONDS)
    queued = Q(status=Submission.Status.QUEUED, created_at__lt=now - timedelta(seconds=waited))
    running = Q(
        status=Submission.Status.RUNNING,
        started_at__lt=now - timedelta(seconds=heartbeats.GRADING.heartbeat_ttl_seconds),
    )
    stuck = Submission.objects.filter(queued | running).order_by("pk")
    return list(stuck.values_list("pk", flat=True)[:SWEEP_BATCH])


def sweep_submissions(now: datetime | None = None) -> dict[int, Recovery]:
    """Recover every stuck submission; what was done to each, by id."""
    return sweep(candidates(now), lambda submission_id: recover_submission(submission_id, now))
