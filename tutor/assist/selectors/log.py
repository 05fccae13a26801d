"""The AI log as an instructor reads it: every request and reply of their students."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from tutor.assist.models import AiRequest
from tutor.courses.access import is_administrator
from tutor.courses.models import Course
from tutor.courses.records import in_course
from tutor.sorting import Sorting, sorting_from


@dataclass(frozen=True)
class LogFilter:
    text: str = ""
    kind: str = ""
    verdict: str = ""
    student: str = ""
    exercise: str = ""
    flagged_only: bool = False
    needs_review: bool = False


def visible_ai_requests(instructor: User) -> QuerySet[AiRequest]:
    """Requests that are a student's work in one of the instructor's courses
    (tutor/courses/records.py); administrators see every request."""
    requests = AiRequest.objects.select_related("student", "exercise")
    if is_administrator(instructor):
        return requests
    in_taught_courses = Q(pk__in=[])
    for course in Course.objects.filter(instructors=instructor):
        in_taught_courses |= in_course(course)
    return requests.filter(in_taught_courses)


# ?sort= keys of the AI log's columns -> the fields they order by; the id breaks ties.
LOG_COLUMNS: dict[str, tuple[str, ...]] = {
    "when": ("created_at", "pk"),
    "student": ("student__username", "created_at", "pk"),
    "exercise": ("exercise__slug", "created_at", "pk"),
    "kind": ("kind", "created_at", "pk"),
    "status": ("status", "created_at", "pk"),
    "guard": ("guard_verdict", "created_at", "pk"),
    "rating": ("rating", "created_at", "pk"),
}
LOG_DEFAULT_SORT = "-when"


def search_ai_log(
    instructor: User, log_filter: LogFilter, sorting: Sorting | None = None
) -> QuerySet[AiRequest]:
    requests = visible_ai_requests(instructor)
    if log_filter.text:
        requests = requests.filter(
            Q(reply__icontains=log_filter.text)
            | Q(context__question__icontains=log_filter.text)
            | Q(context__code__icontains=log_filter.text)
        )
    if log_filter.kind:
        requests = requests.filter(kind=log_filter.kind)
    if log_filter.verdict:
        requests = requests.filter(guard_verdict=log_filter.verdict)
    if log_filter.student:
        requests = requests.filter(student__username__icontains=log_filter.student)
    if log_filter.exercise:
        requests = requests.filter(exercise__slug__icontains=log_filter.exercise)
    if log_filter.flagged_only:
        requests = requests.filter(flagged=True)
    if log_filter.needs_review:
        requests = requests.filter(Q(flagged=True) | Q(guard_verdict__in=["block", "redact"]))
    sorting = sorting or sorting_from(LOG_DEFAULT_SORT, LOG_COLUMNS, LOG_DEFAULT_SORT)
    return requests.order_by(*sorting.order_by())


ASKED_LENGTH = 120
# finish_reason -> what it means for the student, where it is not a plain finished answer.
Reason = AiRequest.FinishReason
ENDINGS: dict[str, str] = {
    Reason.LENGTH: "cut off at the answer length limit",
    Reason.TIMEOUT: "took too long and was stopped",
    Reason.CANCELLED: "cancelled",
    Reason.ERROR: "failed",
    Reason.GUARD: "blocked by the guard",
    Reason.SCREENED: "refused before the model saw it",
    Reason.DECLINED: "declined: the model could not answer in time (no budget used)",
    Reason.LATE: "dropped: the student had typed on before it was ready",
}


@dataclass(frozen=True)
class LogRow:
    """One line of the AI log: the request, what the student asked for, and why it ended
    otherwise than with a complete answer ("" when it did)."""

    item: AiRequest
    asked: str
    why: str


def log_rows(requests: Iterable[AiRequest]) -> list[LogRow]:
    return [LogRow(item, what_was_asked(item), why_it_ended(item)) for item in requests]


def what_was_asked(ai_request: AiRequest) -> str:
    """The question for Ask; otherwise the task in words, with the hint level or the selection."""
    context = ai_request.context if isinstance(ai_request.context, dict) else {}
    kind = ai_request.kind
    if kind == AiRequest.Kind.ASK:
        return _shortened(str(context.get("question") or ""))
    if kind == AiRequest.Kind.HINT:
        level = ai_request.hint_level
        return f"Hint, level {level}" if level else "Hint"
    if kind == AiRequest.Kind.EXPLAIN_CODE:
        selection = str(context.get("selection") or "").strip()
        return f"Explain: {_shortened(selection)}" if selection else "Explain the selection"
    if kind == AiRequest.Kind.EXPLAIN_ERROR:
        submission = context.get("submission_id")
        return f"Explain the failed run #{submission}" if submission else "Explain the error"
    return str(ai_request.get_kind_display())


def why_it_ended(ai_request: AiRequest) -> str:
    ending = ENDINGS.get(ai_request.finish_reason, "")
    if ai_request.status in {AiRequest.Status.FAILED, AiRequest.Status.CANCELLED}:
        # The stored message says it best (a timeout, a worker lost, an exam starting).
        return ai_request.error_message.strip() or ending or str(ai_request.status)
    if ai_request.guard_verdict == "block" and ai_request.guard_reason:
        return f"{ending or 'blocked by the guard'}: {ai_request.guard_reason}"
    return ending


def _shortened(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= ASKED_LENGTH else flat[: ASKED_LENGTH - 1] + "…"


def visible_ai_request(instructor: User, request_id: int) -> AiRequest | None:
    return visible_ai_requests(instructor).filter(pk=request_id).first()
