"""Find AI requests that a dead llm worker or a lost message left unfinished, and end them.

An answer half streamed is never replayed (the student has seen part of it): a running request
whose worker stopped beating is failed, and the student asks again. A queued one has shown
nothing yet, so a lost message is simply sent again; with no llm worker alive at all the
student is told that the tutor is not running instead of watching a queue that never moves.
Every worker's watchdog (tutor/watchdog.py) sweeps them all: a runner's notices that no llm
worker is left.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from tutor import workers
from tutor.assist import streams
from tutor.assist.models import AiRequest
from tutor.assist.services import lifecycle
from tutor.jobs import Recovery, sweep

logger = logging.getLogger(__name__)

LLM_QUEUE = "llm"
WORKER_LOST_MESSAGE = "The tutor's worker stopped while answering. Please ask again."
NO_TUTOR_MESSAGE = (
    "The tutor is not running on the server right now. Please ask again in a minute, and tell "
    "your instructor if this keeps happening."
)
SWEEP_BATCH = 200


def recover_request(request_id: int, now: datetime | None = None) -> Recovery | None:
    """Fail or re-enqueue one unfinished request if its worker or its message is gone."""
    now = now or timezone.now()
    ai_request = AiRequest.objects.filter(
        pk=request_id, status__in=[AiRequest.Status.QUEUED, AiRequest.Status.RUNNING]
    ).first()
    if ai_request is None:
        return None
    was = ai_request.status
    if was == AiRequest.Status.RUNNING:
        action = _recover_running(ai_request)
    else:
        action = _recover_queued(ai_request, now)
    if action is not None:
        logger.warning("AI request %s was stuck %s: %s", request_id, was, action)
    return action


def _recover_running(ai_request: AiRequest) -> Recovery | None:
    # A worker beats every second while it answers (streams.beating); a Redis younger than the
    # heartbeat's lifetime forgot the beats of live workers too.
    if streams.is_alive(ai_request.pk) or workers.redis_restarted_within(
        streams.ANSWERS.heartbeat_ttl_seconds
    ):
        return None
    # lifecycle.fail re-checks the row under a lock: a request that just finished stays so.
    if lifecycle.fail(ai_request.pk, WORKER_LOST_MESSAGE) is None:
        return None
    return Recovery.FAILED


def _recover_queued(ai_request: AiRequest, now: datetime) -> Recovery | None:
    waited = (now - ai_request.created_at).total_seconds()
    if waited > settings.NO_WORKER_SECONDS and workers.no_worker_for(
        LLM_QUEUE, settings.NO_WORKER_SECONDS
    ):
        if lifecycle.fail(ai_request.pk, NO_TUTOR_MESSAGE) is None:
            return None
        return Recovery.FAILED
    if waited > settings.REQUEUE_SECONDS and streams.claim_requeue(
        ai_request.pk, settings.REQUEUE_SECONDS
    ):
        # Only a queued request is claimed by a worker: a duplicate message does nothing.
        lifecycle.enqueue_generation(ai_request.pk)
        return Recovery.REQUEUED
    return None


def candidates(now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    waited = min(settings.REQUEUE_SECONDS, settings.NO_WORKER_SECONDS)
    queued = Q(status=AiRequest.Status.QUEUED, created_at__lt=now - timedelta(seconds=waited))
    running = Q(status=AiRequest.Status.RUNNING)
    stuck = AiRequest.objects.filter(queued | running).order_by("pk")
    return list(stuck.values_list("pk", flat=True)[:SWEEP_BATCH])


def sweep_requests(now: datetime | None = None) -> dict[int, Recovery]:
    """Recover every stuck AI request; what was done to each, by id."""
    return sweep(candidates(now), lambda request_id: recover_request(request_id, now))
