"""The AI log as an instructor reads it: every request and reply of their students."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from tutor.assist.models import AiRequest
from tutor.courses.access import is_administrator, students_taught_by


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
    """Requests of students in the instructor's courses; administrators see every request."""
    requests = AiRequest.objects.select_related("student", "exercise")
    if is_administrator(instructor):
        return requests
    return requests.filter(student_id__in=students_taught_by(instructor))


def search_ai_log(instructor: User, log_filter: LogFilter) -> QuerySet[AiRequest]:
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
    return requests.order_by("-created_at")


def visible_ai_request(instructor: User, request_id: int) -> AiRequest | None:
    return visible_ai_requests(instructor).filter(pk=request_id).first()
