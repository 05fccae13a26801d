"""The instructor's review of the answers shared for an exercise's mistakes, in their course."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from exercises.models import Exercise
from tutor.accounts.roles import signed_in_user
from tutor.assist.models import SharedAnswer
from tutor.assist.selectors.shared_answers import answers_of_exercise, exercises_with_answers
from tutor.courses.access import taught_course
from tutor.live.services.course_answers import review_answer
from tutor.live.services.group_hints import GroupHintRefused


@login_required
@require_GET
def answers_index_view(request: HttpRequest, slug: str) -> HttpResponse:
    course = taught_course(request.user, slug)
    context = {"course": course, "exercises": exercises_with_answers(course.pk)}
    return render(request, "live/answers_index.html", context)


@login_required
@require_GET
def answers_view(request: HttpRequest, slug: str, exercise_slug: str) -> HttpResponse:
    course = taught_course(request.user, slug)
    exercise = get_object_or_404(Exercise, slug=exercise_slug)
    context = {
        "course": course,
        "exercise": exercise,
        "answers": answers_of_exercise(exercise, course.pk),
    }
    return render(request, "live/answers.html", context)


@login_required
@require_POST
def answer_review_view(
    request: HttpRequest, slug: str, exercise_slug: str, answer_id: int
) -> HttpResponse:
    course = taught_course(request.user, slug)
    exercise = get_object_or_404(Exercise, slug=exercise_slug)
    answer = SharedAnswer.objects.filter(pk=answer_id, exercise=exercise).first()
    if answer is None:
        raise Http404("No such answer.")
    try:
        review_answer(
            instructor=signed_in_user(request),
            course=course,
            answer=answer,
            action=request.POST.get("action", ""),
            text=request.POST.get("text", ""),
        )
    except GroupHintRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Saved for this course.")
    return redirect("live:exercise_answers", course.slug, exercise.slug)
