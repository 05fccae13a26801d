"""Similarity pages for a course's instructors: the ranked pairs, and one pair side by side."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from exercises.models import Exercise
from tutor.accounts.roles import signed_in_user
from tutor.courses.access import taught_course
from tutor.similarity.models import SimilarityReport
from tutor.similarity.selectors import latest_report, pair_sides, ranked_pairs, report_pair
from tutor.similarity.services import request_report

# While a report runs its page reloads itself this often to show the progress.
REFRESH_SECONDS = 2


@login_required
@require_http_methods(["GET", "POST"])
def report_view(request: HttpRequest, slug: str, exercise_slug: str) -> HttpResponse:
    course = taught_course(request.user, slug)
    exercise = get_object_or_404(Exercise, slug=exercise_slug)
    if request.method == "POST":
        request_report(course=course, exercise=exercise, requested_by=signed_in_user(request))
        return redirect("similarity:report", slug=course.slug, exercise_slug=exercise.slug)
    report = latest_report(course, exercise)
    return render(
        request,
        "similarity/report.html",
        {
            "course": course,
            "exercise": exercise,
            "report": report,
            "pairs": ranked_pairs(report) if report and report.status == "done" else [],
            "refresh_seconds": REFRESH_SECONDS if report and not report.is_finished else None,
        },
    )


@login_required
@require_GET
def pair_view(
    request: HttpRequest, slug: str, exercise_slug: str, report_id: int, rank: int
) -> HttpResponse:
    course = taught_course(request.user, slug)
    report = get_object_or_404(
        SimilarityReport, pk=report_id, course=course, exercise__slug=exercise_slug
    )
    pair = report_pair(report, rank)
    if pair is None:
        raise Http404("No such pair in this report.")
    first, second = pair_sides(pair)
    return render(
        request,
        "similarity/pair.html",
        {"course": course, "report": report, "pair": pair, "first": first, "second": second},
    )
