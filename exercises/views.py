from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from exercises.selectors.exercises import (
    exercise_facets,
    exercise_filter_from,
    exercises_by_topic,
    suggested_exercise,
    visible_exercises,
)
from tutor.accounts.roles import signed_in_user
from tutor.courses.assignments import assignments_for_student


@login_required
@require_GET
def exercise_list(request: HttpRequest) -> HttpResponse:
    student = signed_in_user(request)
    chosen = exercise_filter_from(request.GET)
    context = {
        "topics": exercises_by_topic(student, chosen),
        "suggested": suggested_exercise(student),
        "due": assignments_for_student(student),
        "filter": chosen,
        "facets": exercise_facets(visible_exercises(student)),
    }
    return render(request, "exercises/list.html", context)
