"""Answer at once a request the model cannot serve before its deadline (selectors/admission.py):
when the student asks (decline_request) or when the llm worker picks it up (decline_claimed).

What the student gets is certainly right: the exercise's authored hint for the level, or a plain
"the tutor is busy" with how long an answer would take and how to wait for one. The request is
stored finished with finish_reason "declined" (services/lifecycle.py): the AI log lists it, and
it uses no hint budget, no rate-limit place and does not climb the hint ladder
(courses/policy.py).
"""

import math
from typing import Any

from django.contrib.auth.models import User

from exercises.models import Exercise
from tutor.assist.models import AiRequest
from tutor.assist.selectors.admission import Admission
from tutor.assist.services import lifecycle
from tutor.assist.services.lifecycle import FinishReason


def decline_request(
    student: User,
    exercise: Exercise,
    kind: str,
    context: dict[str, Any],
    hint_level: int | None,
    admission: Admission,
) -> AiRequest:
    return lifecycle.answered_at_once(
        student=student,
        exercise=exercise,
        kind=kind,
        context=context,
        reply=declined_reply(exercise, kind, hint_level, admission),
        finish_reason=FinishReason.DECLINED,
        hint_level=hint_level,
        model_settings={
            "estimated_seconds": admission.estimated_seconds,
            "answers_ahead": admission.ahead,
        },
    )


def decline_claimed(ai_request: AiRequest, admission: Admission) -> None:
    """A request the queue has made too late, declined as the worker takes it instead of
    started and stopped at its deadline: the student gets the authored hint now."""
    reply = declined_reply(ai_request.exercise, ai_request.kind, ai_request.hint_level, admission)
    lifecycle.decline_at_pickup(
        ai_request,
        reply=reply,
        estimate={
            "estimated_seconds": admission.estimated_seconds,
            "answers_ahead": admission.ahead,
            "declined_at": "pickup",
        },
    )


def declined_reply(
    exercise: Exercise, kind: str, hint_level: int | None, admission: Admission
) -> str:
    if kind == AiRequest.Kind.COMPLETE:
        return ""  # an inline suggestion simply does not appear
    busy = (
        f"The tutor is busy: an answer would take about {math.ceil(admission.estimated_seconds)} s "
        f"({admission.ahead} answers ahead)."
        if admission.estimated_seconds is not None
        else f"The tutor is busy ({admission.ahead} answers ahead)."
    )
    hint = exercise.authored_hint(hint_level) if kind == AiRequest.Kind.HINT else None
    if hint is not None:
        return (
            f"{hint}\n\n({busy} This is your instructor's hint for this step; ask again "
            "later for the tutor's own.)"
        )
    return f"{busy} Ask again in a minute, or choose to wait for it."
