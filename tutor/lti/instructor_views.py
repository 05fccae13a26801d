"""A course's LMS link for its instructors: roster sync and sending grades again."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tutor.courses.access import taught_course
from tutor.lti.models import LinkedCourse
from tutor.lti.services.grades import queue_course_scores
from tutor.lti.services.roster import RosterUnavailable, sync_roster


@login_required
@require_http_methods(["GET", "POST"])
def course_lms_view(request: HttpRequest, slug: str) -> HttpResponse:
    course = taught_course(request.user, slug)
    link = (
        LinkedCourse.objects.select_related("context__deployment__registration")
        .filter(course=course)
        .first()
    )
    result = error = ""
    if request.method == "POST" and link is not None:
        if request.POST.get("action") == "roster":
            try:
                synced = sync_roster(link)
            except RosterUnavailable as problem:
                error = str(problem)
            else:
                result = (
                    f"Roster synced: {synced.members} members in the LMS, {synced.students} "
                    f"students and {synced.teachers} teachers here, {synced.inactive} inactive."
                )
        elif request.POST.get("action") == "grades":
            result = f"{queue_course_scores(course)} scores queued for the LMS."
    scores = (
        link.scores.aggregate(
            sent=Count("pk", filter=Q(pending=False)), pending=Count("pk", filter=Q(pending=True))
        )
        if link
        else {}
    )
    failing = (
        link.scores.filter(pending=True)
        .exclude(last_error="")
        .select_related("student", "exercise")[:100]
        if link
        else []
    )
    status = 502 if error else 200
    return render(
        request,
        "lti/course.html",
        {
            "course": course,
            "link": link,
            "scores": scores,
            "failing": failing,
            "result": result,
            "error": error,
        },
        status=status,
    )
