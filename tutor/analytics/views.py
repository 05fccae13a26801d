"""Analytics pages for a course's instructors. Each table also downloads as CSV:
?format=csv, and &table=NAME on pages with more than one table (the names are in TABLES below).
"""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from exercises.models import Regrade
from exercises.services.grading import regrade, regrade_progress
from tutor.accounts.roles import signed_in_user
from tutor.analytics import tables
from tutor.analytics.charts import bar_chart
from tutor.analytics.csv_export import Table, csv_response
from tutor.analytics.selectors.exercise import exercise_report
from tutor.analytics.selectors.gradebook import gradebook
from tutor.analytics.selectors.overview import course_overview
from tutor.analytics.selectors.timeline import TIMELINE_LIMIT, student_report
from tutor.courses.access import enrolled_student, taught_course
from tutor.courses.records import course_exercises, course_submissions

# The first table of each page is what ?format=csv gives without &table=.
TableMakers = dict[str, Callable[[], Table]]


def _wants_csv(request: HttpRequest) -> bool:
    return request.GET.get("format") == "csv"


def _csv(request: HttpRequest, filename: str, makers: TableMakers) -> HttpResponse:
    name = request.GET.get("table") or next(iter(makers))
    if name not in makers:
        raise Http404(f"No table {name!r} here; there are: {', '.join(makers)}.")
    return csv_response(f"{filename}-{name}", makers[name]())


@login_required
@require_GET
def overview_view(request: HttpRequest, slug: str) -> HttpResponse:
    course = taught_course(request.user, slug)
    overview = course_overview(course)
    if _wants_csv(request):
        return _csv(request, course.slug, {"exercises": lambda: tables.overview_table(overview)})
    chart = bar_chart(
        "Students who attempted and solved each exercise",
        ["attempted", "solved"],
        [(row.exercise.title, (row.attempted, row.solved)) for row in overview.exercises],
        max_value=overview.enrolled,
    )
    return render(request, "analytics/overview.html", {"overview": overview, "chart": chart})


@login_required
@require_GET
def exercise_view(request: HttpRequest, slug: str, exercise_slug: str) -> HttpResponse:
    course = taught_course(request.user, slug)
    exercise = get_object_or_404(course_exercises(course), slug=exercise_slug)
    report = exercise_report(course, exercise)
    if _wants_csv(request):
        return _csv(
            request,
            f"{course.slug}-{exercise.slug}",
            {
                "students": lambda: tables.exercise_students_table(report),
                "tests": lambda: tables.failing_tests_table(report),
                "errors": lambda: tables.error_types_table(report),
                "hints": lambda: tables.hint_levels_table(report),
            },
        )
    chart = bar_chart(
        "Tests that fail most (failing graded runs)",
        ["failing runs"],
        [(test.name, (test.runs,)) for test in report.failing_tests[:10]],
    )
    return render(request, "analytics/exercise.html", {"report": report, "chart": chart})


@login_required
@require_GET
def student_view(request: HttpRequest, slug: str, student_id: int) -> HttpResponse:
    course = taught_course(request.user, slug)
    student = enrolled_student(course, student_id)
    if student is None:
        raise Http404("No such student in this course.")
    exercise_slug = request.GET.get("exercise")
    exercise = (
        get_object_or_404(course_exercises(course), slug=exercise_slug) if exercise_slug else None
    )
    csv_wanted = _wants_csv(request)
    # The page shows the latest events; the download has them all.
    limit = None if csv_wanted else TIMELINE_LIMIT
    report = student_report(course, student, exercise=exercise, limit=limit)
    if csv_wanted:
        return _csv(
            request,
            f"{course.slug}-student-{student.pk}",
            {
                "timeline": lambda: tables.timeline_table(report),
                "exercises": lambda: tables.student_exercises_table(report),
            },
        )
    return render(request, "analytics/student.html", {"report": report})


@login_required
@require_POST
def regrade_view(request: HttpRequest, slug: str, exercise_slug: str) -> HttpResponse:
    """Runs the course's graded Submits of the exercise again on its current tests (queued)."""
    course = taught_course(request.user, slug)
    exercise = get_object_or_404(course_exercises(course), slug=exercise_slug)
    job = regrade(
        course=course,
        exercise=exercise,
        submissions=course_submissions(course),
        by=signed_in_user(request),
    )
    return redirect("analytics:regrade-progress", slug=course.slug, regrade_id=job.pk)


@login_required
@require_GET
def regrade_progress_view(request: HttpRequest, slug: str, regrade_id: int) -> HttpResponse:
    """How far a regrade is; the page reloads itself every 2 s until it is done."""
    course = taught_course(request.user, slug)
    job = get_object_or_404(
        Regrade.objects.select_related("exercise"), pk=regrade_id, course=course
    )
    context = {"course": course, "job": job, "progress": regrade_progress(job)}
    return render(request, "analytics/regrade.html", context)


@login_required
@require_GET
def gradebook_view(request: HttpRequest, slug: str) -> HttpResponse:
    course = taught_course(request.user, slug)
    book = gradebook(course)
    if _wants_csv(request):
        return _csv(request, course.slug, {"gradebook": lambda: tables.gradebook_table(book)})
    return render(request, "analytics/gradebook.html", {"book": book})
