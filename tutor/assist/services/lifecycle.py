"""An AI request's whole life in one place, as exercises/services/grading.py is a submission's.

    queued --claim--> running --finish_answer--> done | failed | cancelled
       |                 |--fail / stop--------> failed | cancelled
       |--stop---------> cancelled
       |--fail---------> failed (no llm worker, a model that cannot load)
       |--decline_at_pickup--> done, declined
    (asked) --answered_at_once--> done (declined, screened; a shared or a teacher's answer)
    done, declined --requeue_declined--> queued (the student chose to wait for the model)

Every change of status and finish reason (AiRequest.FinishReason) is written here; the other
services decide, this module records. A request that gave the student nothing from the model
(declined, failed) costs nothing: its rate-limit place is given back here, and the hint budget
and the score do not count it (courses/policy.py COUNTED_HINT).
"""

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from exercises.models import Exercise
from tutor import ratelimit
from tutor.assist import streams
from tutor.assist.models import AiRequest
from tutor.assist.services.notifications import notify_finished
from tutor.live.services.notify import notify_student_changed

Status = AiRequest.Status
FinishReason = AiRequest.FinishReason

STATUS_BY_REASON: dict[str, Status] = {
    FinishReason.STOP: Status.DONE,
    FinishReason.LENGTH: Status.DONE,
    FinishReason.GUARD: Status.DONE,
    FinishReason.SCREENED: Status.DONE,
    FinishReason.DECLINED: Status.DONE,
    FinishReason.LATE: Status.DONE,
    FinishReason.SHARED: Status.DONE,
    FinishReason.TEACHER: Status.DONE,
    FinishReason.CANCELLED: Status.CANCELLED,
    FinishReason.TIMEOUT: Status.FAILED,
    FinishReason.ERROR: Status.FAILED,
}
# Ended without anything from the model that the student chose: their rate-limit place back.
COSTS_NOTHING = frozenset({FinishReason.DECLINED, FinishReason.LATE, FinishReason.ERROR})


def open_request(
    *,
    student: User,
    exercise: Exercise,
    kind: str,
    context: dict[str, Any],
    hint_level: int | None,
) -> AiRequest:
    """A queued request, enqueued for the llm worker once the row is committed. Call inside the
    transaction that checked the student's right to ask."""
    ai_request = AiRequest.objects.create(
        student=student, exercise=exercise, kind=kind, context=context, hint_level=hint_level
    )
    request_id = ai_request.pk
    transaction.on_commit(lambda: enqueue_generation(request_id))
    return ai_request


def enqueue_generation(request_id: int) -> None:
    """Sends the request to the llm queue: a duplicate message does nothing (claim)."""
    from tutor.assist.tasks import generate_reply_task

    generate_reply_task.delay(request_id)


def answered_at_once(
    *,
    student: User,
    exercise: Exercise,
    kind: str,
    context: dict[str, Any],
    reply: str,
    finish_reason: FinishReason,
    **fields: Any,
) -> AiRequest:
    """A request stored finished as it is asked, without the model writing for it: declined,
    screened, or answered with a text already written (another student's, a teacher's)."""
    now = timezone.now()
    ai_request = AiRequest.objects.create(
        student=student,
        exercise=exercise,
        kind=kind,
        context=context,
        status=STATUS_BY_REASON[finish_reason],
        reply=reply,
        finish_reason=finish_reason,
        started_at=now,
        finished_at=now,
        queue_wait_ms=0,
        duration_ms=0,
        **fields,
    )
    _give_back_if_free(ai_request)
    return ai_request


def requeue_declined(ai_request: AiRequest, *, context: dict[str, Any]) -> AiRequest:
    """The student chose to wait for the model after all: the declined row itself goes back in
    line (one request, one row in the AI log), with the code as it is now."""
    ai_request.status = Status.QUEUED
    ai_request.finish_reason = ""
    ai_request.reply = ""
    ai_request.context = context
    ai_request.started_at = None
    ai_request.finished_at = None
    ai_request.queue_wait_ms = None
    ai_request.duration_ms = None
    ai_request.created_at = timezone.now()
    ai_request.save()
    request_id = ai_request.pk
    transaction.on_commit(lambda: enqueue_generation(request_id))
    return ai_request


def claim(request_id: int) -> AiRequest | None:
    """queued -> running, for the one worker that gets it; None for a duplicate message."""
    with transaction.atomic():
        ai_request = (
            AiRequest.objects.select_for_update()
            .select_related("exercise")
            .filter(pk=request_id, status=Status.QUEUED)
            .first()
        )
        if ai_request is None:
            return None
        now = timezone.now()
        ai_request.status = Status.RUNNING
        ai_request.started_at = now
        ai_request.queue_wait_ms = round((now - ai_request.created_at).total_seconds() * 1000)
        ai_request.save(update_fields=["status", "started_at", "queue_wait_ms"])
        streams.beat(request_id)
    return ai_request


def decline_at_pickup(ai_request: AiRequest, *, reply: str, estimate: dict[str, Any]) -> None:
    """running -> done, declined: the queue made it too late; the reply says what instead."""
    ai_request.reply = reply
    ai_request.model_settings = {**ai_request.model_settings, **estimate}
    ai_request.duration_ms = 0
    finish(ai_request, FinishReason.DECLINED)


def finish(ai_request: AiRequest, reason: FinishReason, *, error_message: str = "") -> None:
    """Stores the end of a claimed request (its reply and counts already set by the caller)
    and tells the student's page and the teacher's live view."""
    ai_request.status = STATUS_BY_REASON[reason]
    ai_request.finish_reason = reason
    if error_message:
        ai_request.error_message = error_message
    ai_request.finished_at = timezone.now()
    ai_request.save()
    streams.forget(ai_request.pk)
    _give_back_if_free(ai_request)
    notify_finished(ai_request)
    notify_student_changed(ai_request.student_id)


def fail(request_id: int, message: str) -> AiRequest | None:
    """An unfinished request fails (its worker died, no model, no worker): the student keeps
    what was streamed. None when it had finished already."""
    with transaction.atomic():
        ai_request = AiRequest.objects.select_for_update().filter(pk=request_id).first()
        if ai_request is None or ai_request.is_finished:
            return None
        ai_request.reply, _ = streams.partial_text(request_id)
        ai_request.error_message = message
        _close(ai_request, FinishReason.ERROR)
    _give_back_if_free(ai_request)
    notify_finished(ai_request)
    return ai_request


def stop(requests: QuerySet[AiRequest], message: str = "") -> AiRequest | None:
    """A queued request never starts; a running one is asked to stop and its worker finishes
    it within a second (finish, cancelled)."""
    with transaction.atomic():
        ai_request = requests.select_for_update().first()
        if ai_request is None or ai_request.is_finished:
            return ai_request
        streams.request_cancel(ai_request.pk)
        if ai_request.status == Status.QUEUED:
            ai_request.error_message = message
            _close(ai_request, FinishReason.CANCELLED)
    if ai_request.status == Status.CANCELLED:
        notify_finished(ai_request)
    return ai_request


def _close(ai_request: AiRequest, reason: FinishReason) -> None:
    ai_request.status = STATUS_BY_REASON[reason]
    ai_request.finish_reason = reason
    ai_request.finished_at = timezone.now()
    ai_request.save()
    streams.forget(ai_request.pk)


def _give_back_if_free(ai_request: AiRequest) -> None:
    if ai_request.finish_reason in COSTS_NOTHING or ai_request.status == Status.FAILED:
        ratelimit.refund_ai_request(ai_request.student_id, ai_request.kind)
