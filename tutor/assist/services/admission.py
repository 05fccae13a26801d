"""Answer at once a request the model cannot serve before its deadline (selectors/admission.py).

What the student gets is certainly right: the exercise's authored hint for the level, or a plain
"the tutor is busy" with how long an answer would take and how to wait for one. The request is
stored finished with finish_reason "declined": the AI log lists it, and it uses no hint budget
and does not climb the hint ladder (courses/policy.py).
"""

import math
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from exercises.models import Exercise
from tutor.assist.models import AiRequest
from tutor.assist.selectors.admission import Admission
from tutor.courses.policy import DECLINED


def decline_request(
    student: User,
    exercise: Exercise,
    kind: str,
    context: dict[str, Any],
    hint_level: int | None,
    admission: Admission,
) -> AiRequest:
    now = timezone.now()
    return AiRequest.objects.create(
        student=student,
        exercise=exercise,
        kind=kind,
        context=context,
        hint_level=hint_level,
        status=AiRequest.Status.DONE,
        reply=declined_reply(exercise, kind, hint_level, admission),
        finish_reason=DECLINED,
        model_settings={
            "estimated_seconds": admission.estimated_seconds,
            "answers_ahead": admission.ahead,
        },
        started_at=now,
        finished_at=now,
        queue_wait_ms=0,
        duration_ms=0,
    )


def declined_reply(
    exercise: Exercise, kind: str, hint_level: int | None, admission: Admission
) -> str:
    if kind == AiRequest.Kind.COMPLETE:
        return ""  # an inline suggestion simply does not appear
    seconds = math.ceil(admission.estimated_seconds or 0)
    busy = (
        f"The tutor is busy: an answer would take about {seconds} s "
        f"({admission.ahead} answers ahead)."
    )
    hint = exercise.authored_hint(hint_level) if kind == AiRequest.Kind.HINT else None
    if hint is not None:
        return (
            f"{hint}\n\n({busy} This is your instructor's hint for this step; ask again "
            "later for the tutor's own.)"
        )
    return f"{busy} Ask again in a minute, or choose to wait for it."
