"""Requests answered without the model (declined, screened): stored finished as they are asked."""

from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from exercises.models import Exercise
from tutor.assist.models import AiRequest


def answered_at_once(
    *,
    student: User,
    exercise: Exercise,
    kind: str,
    context: dict[str, Any],
    reply: str,
    finish_reason: str,
    **fields: Any,
) -> AiRequest:
    now = timezone.now()
    return AiRequest.objects.create(
        student=student,
        exercise=exercise,
        kind=kind,
        context=context,
        status=AiRequest.Status.DONE,
        reply=reply,
        finish_reason=finish_reason,
        started_at=now,
        finished_at=now,
        queue_wait_ms=0,
        duration_ms=0,
        **fields,
    )
