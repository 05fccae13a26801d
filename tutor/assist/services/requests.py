"""Write AI help requests: create and enqueue them, cancel them, rate them, close them."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from exercises.models import Exercise
from tutor import ratelimit
from tutor.assist import streams
from tutor.assist.models import AiRequest
from tutor.assist.question_screen import Screened, screen_question
from tutor.assist.selectors.admission import (
    admission_for_completion,
    admission_for_new_request,
)
from tutor.assist.services import lifecycle
from tutor.assist.services.admission import decline_request
from tutor.assist.services.lifecycle import FinishReason
from tutor.assist.services.shared_answers import serve_shared_answer
from tutor.courses.policy import NOT_ASKED_HINTS, effective_ai_policy

MAX_FIELD_CHARS = 20_000
MAX_HINT_LEVEL = 3
# wait: the student chose to wait for the model although it is busy (see admission.py).
# fresh: the student wants the model's own answer, not one shared with a classmate.
CONTEXT_FIELDS = ("code", "selection", "question", "cursor", "submission_id", "wait", "fresh")
FLAGS = ("wait", "fresh")


class HelpRefused(ValueError):
    """The request cannot be served; the message is meant for the student."""

    def __init__(self, message: str, retry_after_seconds: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


def request_help(
    student: User,
    exercise: Exercise,
    kind: AiRequest.Kind,
    context: dict[str, Any],
) -> AiRequest:
    """Save the request, then enqueue its generation once the row is committed.

    Every way of asking goes through here, so here the course's AI policy (allowed kinds, hint
    budget, exam mode) and the student's rate limit are enforced: HelpRefused says why not.
    """
    clean = _clean_context(context)
    with transaction.atomic():
        if kind == AiRequest.Kind.HINT:
            # One hint request at a time per student, so two at once cannot both take the last
            # hint of a budget (SQLite's immediate transactions already serialize writers).
            User.objects.select_for_update().filter(pk=student.pk).first()
        refusal = effective_ai_policy(student, exercise).refusal(kind)
        if refusal is not None:
            raise HelpRefused(refusal)
        limited = ratelimit.hit_ai_request(student.pk, kind)
        if limited is not None:
            raise HelpRefused(
                "You are asking the tutor too often; wait a little before asking again.",
                retry_after_seconds=limited,
            )
        hint_level = next_hint_level(student, exercise) if kind == AiRequest.Kind.HINT else None
        screened = _screened(exercise, kind, clean)
        if screened is not None:
            return _answer_without_model(student, exercise, kind, clean, screened)
        shared = serve_shared_answer(
            student=student, exercise=exercise, kind=kind, context=clean, hint_level=hint_level
        )
        if shared is not None:
            return shared
        admission = (
            admission_for_completion()
            if kind == AiRequest.Kind.COMPLETE
            else admission_for_new_request()
        )
        if not admission.admitted and not clean.get("wait"):
            return decline_request(student, exercise, kind, clean, hint_level, admission)
        if admission.estimated_seconds is not None:
            # Written here, never by the browser (_clean_context): checked by bench/loadtest.py.
            clean["estimated_seconds"] = round(admission.estimated_seconds, 1)
        declined = _declined_to_wait_for(student, exercise, kind, context)
        if declined is not None:
            ai_request = lifecycle.requeue_declined(declined, context=clean)
        else:
            ai_request = lifecycle.open_request(
                student=student, exercise=exercise, kind=kind, context=clean, hint_level=hint_level
            )
    # Until a socket follows it, the request counts as watched for a few seconds.
    streams.mark_watched(ai_request.pk)
    return ai_request


def _screened(exercise: Exercise, kind: str, context: dict[str, Any]) -> Screened | None:
    question = context.get("question")
    if kind != AiRequest.Kind.ASK or not settings.AI_SCREEN_QUESTIONS:
        return None
    if not isinstance(question, str):
        return None
    topic = (exercise.title, exercise.statement_md, str(context.get("code", "")))
    return screen_question(question, topic_texts=topic)


def _answer_without_model(
    student: User,
    exercise: Exercise,
    kind: str,
    context: dict[str, Any],
    screened: Screened,
) -> AiRequest:
    """A finished request whose reply is the screen's refusal; the AI log lists it as blocked."""
    return lifecycle.answered_at_once(
        student=student,
        exercise=exercise,
        kind=kind,
        context=context,
        reply=screened.reply,
        finish_reason=FinishReason.SCREENED,
        guard_verdict="block",
        guard_reason=screened.reason,
    )


def next_hint_level(student: User, exercise: Exercise) -> int:
    """Each hint climbs the ladder: concept, then where to look, then pseudo-code."""
    given = (
        AiRequest.objects.filter(
            student=student,
            exercise=exercise,
            kind=AiRequest.Kind.HINT,
            status=AiRequest.Status.DONE,
        )
        .exclude(finish_reason__in=NOT_ASKED_HINTS)
        .count()
    )
    return min(given + 1, MAX_HINT_LEVEL)


def _clean_context(context: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for field in CONTEXT_FIELDS:
        value = context.get(field)
        if value is None:
            continue
        if field in FLAGS:
            if value is True:
                clean[field] = True
            continue
        if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
            raise HelpRefused(f"The {field} is too long for the tutor; send a shorter part.")
        if isinstance(value, str) and "\x00" in value:
            # PostgreSQL cannot store it (in a JSON field either), and no question needs it.
            raise HelpRefused(f"The {field} contains a NUL character (\\0); delete it.")
        clean[field] = value
    return clean


def _declined_to_wait_for(
    student: User, exercise: Exercise, kind: str, context: dict[str, Any]
) -> AiRequest | None:
    """The student's own declined request that "Wait for the tutor's answer" names."""
    declined_id = context.get("declined_id")
    if not context.get("wait") or not isinstance(declined_id, int):
        return None
    return (
        AiRequest.objects.select_for_update()
        .filter(
            pk=declined_id,
            student=student,
            exercise=exercise,
            kind=kind,
            finish_reason=FinishReason.DECLINED,
        )
        .first()
    )


def cancel_request(student: User, request_id: int) -> AiRequest | None:
    """Stop an answer: a queued one never starts, a running one stops within a second."""
    return lifecycle.stop(AiRequest.objects.filter(pk=request_id, student=student))


def stop_request(request_id: int, message: str = "") -> AiRequest | None:
    """Stop anyone's answer (exam mode, an instructor): as cancel_request, without the owner check.

    message is stored as the error message of a request stopped before it started.
    """
    return lifecycle.stop(AiRequest.objects.filter(pk=request_id), message=message)


def rate_reply(student: User, request_id: int, rating: int) -> bool:
    if rating not in (1, -1):
        raise HelpRefused("A rating is 1 (helpful) or -1 (not helpful).")
    updated = AiRequest.objects.filter(
        pk=request_id, student=student, status=AiRequest.Status.DONE
    ).update(rating=rating)
    return bool(updated)
