"""Read AI requests the way a student may see them, and where they stand in the queue."""

import math
from dataclasses import dataclass
from typing import TypedDict

from django.contrib.auth.models import User
from django.db.models import Avg, QuerySet

from tutor.assist import streams
from tutor.assist.models import AiRequest
from tutor.courses.models import Course
from tutor.courses.policy import TEACHER_SENT
from tutor.courses.records import in_course

RECENT_FOR_ESTIMATE = 20
DEFAULT_SECONDS_PER_REQUEST = 20.0


@dataclass(frozen=True)
class QueuePlace:
    position: int  # requests ahead of this one; 0 = next
    estimated_wait_seconds: float


def course_ai_requests(course: Course) -> QuerySet[AiRequest]:
    """The requests that are a student's work in the course (tutor/courses/records.py)."""
    return AiRequest.objects.filter(in_course(course))


def own_request(student: User, request_id: int) -> AiRequest | None:
    return AiRequest.objects.filter(pk=request_id, student=student).first()


def queue_place(ai_request: AiRequest, parallel_slots: int) -> QueuePlace:
    ahead = AiRequest.objects.filter(
        status=AiRequest.Status.QUEUED, created_at__lt=ai_request.created_at
    ).count()
    running = AiRequest.objects.filter(status=AiRequest.Status.RUNNING).count()
    average_ms = (
        # Answers the model wrote: declined and screened ones took none of its time.
        AiRequest.objects.filter(
            status=AiRequest.Status.DONE, duration_ms__isnull=False, completion_tokens__gt=0
        )
        .order_by("-finished_at")[:RECENT_FOR_ESTIMATE]
        .aggregate(average=Avg("duration_ms"))["average"]
    )
    seconds_each = average_ms / 1000 if average_ms else DEFAULT_SECONDS_PER_REQUEST
    # Requests run in parallel slots; the ones ahead (and those running) must drain first.
    waves = (ahead + running) / max(parallel_slots, 1)
    return QueuePlace(position=ahead, estimated_wait_seconds=round(waves * seconds_each, 1))


class RequestPayload(TypedDict):
    """One AI request as its student's browser sees it (docs/websocket-protocol.md)."""

    id: int
    kind: str
    status: str
    hint_level: int | None
    authored_hint: str | None
    reply: str
    seq: int | None
    question: str
    error_message: str
    finish_reason: str
    busy_seconds: int | None
    # Served from an answer written before for the same failure: "model" (for a classmate),
    # "ahead" (before anyone asked) or "teacher" (the instructor's, to the student's group).
    shared: str | None
    rating: int | None
    created_at: str


def request_payload(ai_request: AiRequest) -> RequestPayload:
    """What a student's browser receives about one of their requests."""
    reply, seq = ai_request.reply, None
    if not ai_request.is_finished:
        reply, seq = streams.partial_text(ai_request.pk)
    return RequestPayload(
        id=ai_request.pk,
        kind=ai_request.kind,
        status=ai_request.status,
        hint_level=ai_request.hint_level,
        # Certainly right, unlike a small model's answer: shown at once, while the model writes.
        authored_hint=(
            ai_request.exercise.authored_hint(ai_request.hint_level)
            if ai_request.kind == AiRequest.Kind.HINT and ai_request.finish_reason != TEACHER_SENT
            else None
        ),
        reply=reply,
        # The last delta that reply includes: later deltas continue it, earlier ones are in it.
        seq=seq,
        question=ai_request.context.get("question", ""),
        error_message=ai_request.error_message,
        finish_reason=ai_request.finish_reason,
        # Declined ("the tutor is busy"): about how long an answer would have taken; the
        # student may ask again with wait: true.
        busy_seconds=_busy_seconds(ai_request),
        shared=ai_request.shared_answer.source if ai_request.shared_answer else None,
        rating=ai_request.rating,
        created_at=ai_request.created_at.isoformat(),
    )


def _busy_seconds(ai_request: AiRequest) -> int | None:
    estimate = (ai_request.model_settings or {}).get("estimated_seconds")
    declined = ai_request.finish_reason == AiRequest.FinishReason.DECLINED
    if not declined or not isinstance(estimate, int | float):
        return None
    return math.ceil(estimate)


def history(student: User, exercise_id: int, limit: int = 50) -> list[RequestPayload]:
    requests = (
        AiRequest.objects.filter(student=student, exercise_id=exercise_id)
        .exclude(kind=AiRequest.Kind.COMPLETE)
        .select_related("exercise", "shared_answer")[:limit]
    )
    return [request_payload(ai_request) for ai_request in reversed(requests)]
