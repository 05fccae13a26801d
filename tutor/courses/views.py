from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from tutor.courses.models import Course
from tutor.courses.selectors import is_course_instructor
from tutor.courses.services import set_exam_mode

ON_VALUES = {"1", "true", "on", "yes"}
OFF_VALUES = {"0", "false", "off", "no"}


@login_required
@require_POST
def exam_mode_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Turns a course's exam mode on (on=1) or off (on=0); the course's instructors only.

    Answers JSON to a request that asks for it (Accept: application/json or X-Requested-With),
    else redirects back to `next`, the referring page, or the admin's page of the course.
    """
    course = get_object_or_404(Course, slug=slug)
    if not is_course_instructor(request.user, course):
        raise PermissionDenied("Only this course's instructors can change its exam mode.")
    value = request.POST.get("on", "").strip().lower()
    if value not in ON_VALUES | OFF_VALUES:
        message = "Send on=1 to start exam mode or on=0 to end it."
        return JsonResponse({"error": message}, status=400)
    stopped = set_exam_mode(course, value in ON_VALUES)
    if _wants_json(request):
        return JsonResponse(
            {"course": course.slug, "exam_mode": course.exam_mode, "stopped_requests": stopped}
        )
    return HttpResponseRedirect(_back(request, course))


def _wants_json(request: HttpRequest) -> bool:
    return (
        "application/json" in request.headers.get("Accept", "")
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def _back(request: HttpRequest, course: Course) -> str:
    for candidate in (request.POST.get("next"), request.headers.get("Referer")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return reverse("admin:courses_course_change", args=[course.pk])
