import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from exercises.models import Exercise, Submission
from exercises.rendering import render_markdown
from exercises.selectors.exercises import exercises_by_topic, latest_code
from exercises.selectors.submissions import submission_for_viewer, submission_payload
from exercises.services.grading import CodeRejected, submit_code
from tutor.accounts.roles import is_instructor, signed_in_user


@login_required
@require_GET
def exercise_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "exercises/list.html", {"topics": exercises_by_topic(signed_in_user(request))}
    )


@login_required
@require_GET
def exercise_detail(request: HttpRequest, slug: str) -> HttpResponse:
    exercise = get_object_or_404(Exercise, slug=slug, is_hidden=False)
    context = {
        "exercise": exercise,
        # Sanitised by nh3 inside render_markdown, so it is safe to mark.
        "statement_html": mark_safe(render_markdown(exercise.statement_md)),  # noqa: S308
        "code": latest_code(signed_in_user(request), exercise),
    }
    return render(request, "exercises/detail.html", context)


@login_required
@require_POST
def create_submission(request: HttpRequest, slug: str) -> JsonResponse:
    exercise = get_object_or_404(Exercise, slug=slug, is_hidden=False)
    try:
        body = json.loads(request.body)
        code = body["code"]
        kind = Submission.Kind(body.get("kind", Submission.Kind.RUN))
    except (ValueError, KeyError, TypeError):
        return JsonResponse(
            {"error": 'Send JSON like {"code": "...", "kind": "run" or "submit"}.'}, status=400
        )
    if not isinstance(code, str):
        return JsonResponse({"error": "code must be text."}, status=400)
    try:
        submission = submit_code(signed_in_user(request), exercise, code, kind)
    except CodeRejected as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse({"id": submission.pk, "status": submission.status}, status=202)


@login_required
@require_GET
def submission_detail(request: HttpRequest, submission_id: int) -> JsonResponse:
    submission = submission_for_viewer(request.user, submission_id)
    if submission is None:
        raise Http404("No such submission.")
    return JsonResponse(submission_payload(submission, for_instructor=is_instructor(request.user)))
