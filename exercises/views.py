from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from exercises.selectors.exercises import exercises_by_topic, suggested_exercise
from tutor.accounts.roles import signed_in_user


@login_required
@require_GET
def exercise_list(request: HttpRequest) -> HttpResponse:
    student = signed_in_user(request)
    context = {"topics": exercises_by_topic(student), "suggested": suggested_exercise(student)}
    return render(request, "exercises/list.html", context)
