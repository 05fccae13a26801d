"""The instructor's AI log: search every request and reply, flag replies, review blocks."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from tutor.accounts.decorators import instructor_required
from tutor.accounts.roles import signed_in_user
from tutor.assist.models import AiRequest
from tutor.assist.selectors.log import (
    LOG_COLUMNS,
    LOG_DEFAULT_SORT,
    LogFilter,
    log_rows,
    search_ai_log,
    visible_ai_request,
)
from tutor.assist.services.review import set_flag
from tutor.sorting import sorting_from

PAGE_SIZE = 50


@instructor_required
@require_GET
def ai_log(request: HttpRequest) -> HttpResponse:
    log_filter = LogFilter(
        text=request.GET.get("q", "").strip(),
        kind=request.GET.get("kind", ""),
        verdict=request.GET.get("verdict", ""),
        student=request.GET.get("student", "").strip(),
        exercise=request.GET.get("exercise", "").strip(),
        flagged_only=request.GET.get("flagged") == "1",
        needs_review=request.GET.get("review") == "1",
    )
    sorting = sorting_from(request.GET.get("sort", ""), LOG_COLUMNS, LOG_DEFAULT_SORT)
    requests = search_ai_log(signed_in_user(request), log_filter, sorting)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": log_rows(page),
        "sorting": sorting,
        "filter": log_filter,
        "kinds": AiRequest.Kind.choices,
        "verdicts": ["allow", "redact", "block"],
    }
    return render(request, "assist/ai_log.html", context)


@instructor_required
@require_GET
def ai_request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    ai_request = visible_ai_request(signed_in_user(request), request_id)
    if ai_request is None:
        raise Http404("No such AI request among your students'.")
    return render(request, "assist/ai_request.html", {"item": ai_request})


@instructor_required
@require_POST
def flag_ai_request(request: HttpRequest, request_id: int) -> HttpResponse:
    flagged = request.POST.get("flagged") == "1"
    if set_flag(signed_in_user(request), request_id, flagged, request.POST.get("note", "")) is None:
        raise Http404("No such AI request among your students'.")
    return redirect("assist:detail", request_id=request_id)
