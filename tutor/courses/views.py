from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tutor.accounts.decorators import instructor_required
from tutor.accounts.public_url import public_url
from tutor.accounts.roles import is_instructor, signed_in_user
from tutor.courses.access import enrolled_student, taught_course
from tutor.courses.assignments import AssignmentForm, create_assignment
from tutor.courses.models import Course
from tutor.courses.roster import (
    MAX_CSV_BYTES,
    ResetRefused,
    RosterError,
    add_students,
    course_students,
    read_roster,
    reset_student_password,
)
from tutor.courses.selectors import courses_taught_by
from tutor.courses.services import (
    CourseError,
    create_taught_course,
    join_by_code,
    set_exam_mode,
)
from tutor.live.selectors import StuckRule, live_rows

ON_VALUES = {"1", "true", "on", "yes"}
OFF_VALUES = {"0", "false", "off", "no"}


@login_required
@require_POST
def exam_mode_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Turns a course's exam mode on (on=1) or off (on=0); the course's instructors only.

    Answers JSON to a request that asks for it (Accept: application/json or X-Requested-With),
    else redirects back to `next`, the referring page, or the admin's page of the course.
    """
    course = taught_course(request.user, slug)
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


# ---- Instructors' course pages -------------------------------------------------------------


def _shown_once(response: HttpResponse) -> HttpResponse:
    """A page with passwords on it: the browser must not keep it."""
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, " + response["Cache-Control"]
    return response


@login_required
@require_GET
def course_list_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    courses = Course.objects.all() if user.is_superuser else courses_taught_by(user)
    if not is_instructor(user) and not courses.exists():
        raise PermissionDenied("This page is for instructors.")
    context = {"courses": courses, "can_create": is_instructor(user)}
    return render(request, "courses/list.html", context)


@instructor_required
@require_http_methods(["GET", "POST"])
def create_course_view(request: HttpRequest) -> HttpResponse:
    """An instructor creates a course they teach; then its page says how students get in."""
    if request.method == "GET":
        return render(request, "courses/create.html", {})
    name, slug = request.POST.get("name", ""), request.POST.get("slug", "")
    try:
        course = create_taught_course(signed_in_user(request), name=name, slug=slug)
    except CourseError as error:
        context = {"name": name, "slug": slug, "error": str(error)}
        return render(request, "courses/create.html", context, status=400)
    messages.success(
        request,
        f"{course.name} is created. Add students below, or give them the join code "
        f"{course.join_code}.",
    )
    return redirect("courses:detail", slug=course.slug)


@login_required
@require_GET
def course_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    course = taught_course(request.user, slug)
    students = course_students(course, viewer=signed_in_user(request))
    context = {"course": course, "students": students}
    return render(request, "courses/detail.html", context)


@login_required
@require_GET
def live_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The live class view: every student's progress, updated over /ws/courses/<slug>/live/."""
    course = taught_course(request.user, slug)
    context = {"course": course, "rows": live_rows(course), "rule": StuckRule.from_settings()}
    return render(request, "courses/live.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def add_students_view(request: HttpRequest, slug: str) -> HttpResponse:
    """A pasted list and/or a CSV file -> accounts and enrolments, then the credentials sheet."""
    course = taught_course(request.user, slug)
    context: dict[str, object] = {"course": course, "max_csv_kb": MAX_CSV_BYTES // 1024}
    if request.method == "GET":
        return render(request, "courses/add_students.html", context)
    pasted = request.POST.get("students", "")
    upload = request.FILES.get("csv_file")
    context["pasted"] = pasted
    try:
        if upload is not None and upload.size is not None and upload.size > MAX_CSV_BYTES:
            raise RosterError([f"The CSV file is larger than {MAX_CSV_BYTES // 1024} KB."])
        csv_data = upload.read() if upload is not None else None
        result = add_students(course, read_roster(pasted, csv_data), by=signed_in_user(request))
    except RosterError as error:
        context["problems"] = error.problems
        return render(request, "courses/add_students.html", context, status=400)
    context.update(
        {
            "result": result,
            "site_url": public_url(),
        }
    )
    return _shown_once(render(request, "courses/credentials.html", context))


@login_required
@require_POST
def reset_password_view(request: HttpRequest, slug: str, student_id: int) -> HttpResponse:
    course = taught_course(request.user, slug)
    student = enrolled_student(course, student_id)
    if student is None:
        return render(
            request,
            "courses/password_reset.html",
            {"course": course, "error": "No such student in this course."},
            status=404,
        )
    try:
        password = reset_student_password(course, student, by=signed_in_user(request))
    except ResetRefused as error:
        raise PermissionDenied(str(error)) from error
    context = {
        "course": course,
        "student": student,
        "password": password,
        "site_url": public_url(),
    }
    return _shown_once(render(request, "courses/password_reset.html", context))


# ---- Assignments ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assignments_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The course's assignments, and a form for a new one."""
    course = taught_course(request.user, slug)
    form = AssignmentForm(course, request.POST or None)
    if request.method == "POST" and form.is_valid():
        assignment = create_assignment(
            course=course,
            title=form.cleaned_data["title"],
            opens_at=form.cleaned_data["opens_at"],
            due_at=form.cleaned_data["due_at"],
            exercises=form.cleaned_data["exercises"],
        )
        messages.success(
            request, f"{assignment.title} is set: due {assignment.due_at:%Y-%m-%d %H:%M}."
        )
        return redirect("courses:assignments", slug=course.slug)
    context = {
        "course": course,
        "form": form,
        "assignments": course.assignments.prefetch_related("exercises"),
    }
    return render(request, "courses/assignments.html", context, status=400 if form.errors else 200)


# ---- Students ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def join_view(request: HttpRequest) -> HttpResponse:
    """Any signed-in user enrols in a course with its join code."""
    if request.method == "GET":
        return render(request, "courses/join.html", {"code": request.GET.get("code", "")})
    code = request.POST.get("code", "")
    try:
        course = join_by_code(signed_in_user(request), code)
    except CourseError as error:
        return render(request, "courses/join.html", {"code": code, "error": str(error)}, status=400)
    messages.success(request, f"You are in {course.name}.")
    return redirect("exercises:list")
