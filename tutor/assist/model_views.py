"""The instructor's model status page: what is loaded, how long the queue is, how fast it writes."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tutor.accounts.decorators import instructor_required
from tutor.assist.selectors.model import model_overview

REFRESH_SECONDS = 15


@instructor_required
@require_GET
def model_status_view(request: HttpRequest) -> HttpResponse:
    context = {"overview": model_overview(), "refresh_seconds": REFRESH_SECONDS}
    return render(request, "assist/model_status.html", context)
