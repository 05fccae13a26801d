"""Each common mistake answered once, served to many.

An answer the model wrote for one student's failing run (and the guard let through whole) is
kept under the run's failure signature (tutor/grounding/signatures.py). The next student whose
run fails the same way gets it at once, with their own line numbers, marked as shared; they may
still ask for a fresh one (`fresh: true`). An instructor's answer to a group of their students
goes the same way: to the group now (send_teacher_answer) and to their course's later students
with the same failure.
"""

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F

from exercises.models import Exercise
from tutor.assist.models import AiRequest, SharedAnswer
from tutor.assist.selectors.shared_answers import (
    SHAREABLE_KINDS,
    Failure,
    answer_for,
    failure_of_code,
)
from tutor.assist.services import lifecycle
from tutor.assist.services.lifecycle import answered_at_once
from tutor.courses.policy import SHARED, TEACHER_SENT
from tutor.courses.selectors import courses_of_student
from tutor.grounding.signatures import renumbered
from tutor.group_sends import send_news
from tutor.groups import AiOffered, workspace_group
from tutor.live.services.notify import notify_student_changed

logger = logging.getLogger(__name__)


def serve_shared_answer(
    *,
    student: User,
    exercise: Exercise,
    kind: str,
    context: dict[str, Any],
    hint_level: int | None,
) -> AiRequest | None:
    """A finished request holding the shared answer to the student's failure, or None (no
    failure to match, no answer yet, or the student asked for a fresh one).

    Either way the failure is written into `context` ("failure"): the model's answer to this
    request is then kept for the next student (remember_answer).
    """
    if kind not in SHAREABLE_KINDS:
        return None
    failure = failure_of_code(student, exercise, str(context.get("code", "")))
    if failure is None:
        return None
    context["failure"] = failure.to_context()
    if context.get("fresh"):
        return None
    answer = answer_for(
        exercise=exercise,
        signature=failure.key,
        kind=kind,
        hint_level=hint_level,
        course_ids=list(courses_of_student(student).values_list("pk", flat=True)),
    )
    if answer is None:
        return None
    served = _serve(student, exercise, kind, context, hint_level, answer, failure)
    notify_student_changed(student.pk)
    return served


def serve_at_pickup(ai_request: AiRequest) -> bool:
    """When the llm worker picks a request up: finish it with an answer written meanwhile for
    the same failure (in a burst, a classmate's asked just before), if there is one now."""
    failure = ai_request.context.get("failure")
    if (
        ai_request.kind not in SHAREABLE_KINDS
        or ai_request.context.get("fresh")
        or not isinstance(failure, dict)
        or not isinstance(failure.get("signature"), str)
    ):
        return False
    answer = answer_for(
        exercise=ai_request.exercise,
        signature=failure["signature"],
        kind=ai_request.kind,
        hint_level=ai_request.hint_level,
        course_ids=list(courses_of_student(ai_request.student).values_list("pk", flat=True)),
    )
    if answer is None:
        return False
    SharedAnswer.objects.filter(pk=answer.pk).update(times_served=F("times_served") + 1)
    ai_request.reply = renumbered(
        answer.text, written_for_line=answer.line, reader_line=_line(failure)
    )
    ai_request.shared_answer = answer
    ai_request.duration_ms = 0
    lifecycle.finish(ai_request, SHARED)
    return True


def remember_answer(ai_request: AiRequest) -> SharedAnswer | None:
    """Keep a finished answer for the next student with the same failure: only a whole answer
    the model wrote (not cut at its length, not written by code from one run's values) that the
    guard let through unchanged."""
    failure = ai_request.context.get("failure")
    if (
        ai_request.kind not in SHAREABLE_KINDS
        or not isinstance(failure, dict)
        or not isinstance(failure.get("signature"), str)
        or ai_request.status != AiRequest.Status.DONE
        or ai_request.finish_reason != "stop"
        or ai_request.guard_verdict != "allow"
        or not ai_request.reply.strip()
        or (ai_request.model_settings or {}).get("written_from_evidence")
    ):
        return None
    return SharedAnswer.objects.create(
        exercise_id=ai_request.exercise_id,
        signature=failure["signature"],
        signature_parts={key: value for key, value in failure.items() if key != "signature"},
        kind=ai_request.kind,
        hint_level=ai_request.hint_level,
        source=SharedAnswer.Source.MODEL,
        text=ai_request.reply,
        line=_line(failure),
        written_for=ai_request,
    )


@dataclass(frozen=True)
class Recipient:
    """A student an instructor's answer goes to, and their failing run."""

    student: User
    code: str
    failure: Failure


def send_teacher_answer(
    *,
    answer: SharedAnswer,
    exercise: Exercise,
    recipients: Iterable[Recipient],
) -> list[AiRequest]:
    """The instructor's answer, as a finished hint in each recipient's workspace, shown there
    at once (ai.offered). It uses none of their hint budget: they did not ask."""
    sent = []
    with transaction.atomic():
        for recipient in recipients:
            context = {"code": recipient.code, "failure": recipient.failure.to_context()}
            sent.append(
                answered_at_once(
                    student=recipient.student,
                    exercise=exercise,
                    kind=AiRequest.Kind.HINT,
                    context=context,
                    reply=renumbered(
                        answer.text,
                        written_for_line=answer.line,
                        reader_line=recipient.failure.signature.line,
                    ),
                    finish_reason=TEACHER_SENT,
                    shared_answer=answer,
                )
            )
        SharedAnswer.objects.filter(pk=answer.pk).update(times_served=F("times_served") + len(sent))
        for ai_request in sent:
            transaction.on_commit(functools.partial(_offer, ai_request))
    return sent


def _serve(
    student: User,
    exercise: Exercise,
    kind: str,
    context: dict[str, Any],
    hint_level: int | None,
    answer: SharedAnswer,
    failure: Failure,
) -> AiRequest:
    SharedAnswer.objects.filter(pk=answer.pk).update(times_served=F("times_served") + 1)
    reply = renumbered(
        answer.text, written_for_line=answer.line, reader_line=failure.signature.line
    )
    return answered_at_once(
        student=student,
        exercise=exercise,
        kind=kind,
        context=context,
        reply=reply,
        finish_reason=SHARED,
        hint_level=hint_level,
        shared_answer=answer,
        guard_verdict="allow" if answer.source != SharedAnswer.Source.TEACHER else "",
    )


def _offer(ai_request: AiRequest) -> None:
    # No live-view news: a hint the student did not ask for changes nothing in their row.
    event = AiOffered(type="ai.offered", request_id=ai_request.pk)
    send_news(workspace_group(ai_request.student_id, ai_request.exercise_id), event)


def _line(failure: dict[str, Any]) -> int | None:
    line = failure.get("line")
    return line if isinstance(line, int) and not isinstance(line, bool) else None
