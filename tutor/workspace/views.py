from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from exercises.models import Exercise
from exercises.rendering import render_markdown
from exercises.selectors.exercises import latest_code, next_exercise
from exercises.services.drafts import save_draft
from exercises.services.grading import CodeRejected
from tutor.accounts.roles import signed_in_user
from tutor.assist.services.ahead_plans import plan_answers_ahead


@login_required
@require_GET
def workspace(request: HttpRequest, slug: str) -> HttpResponse:
    student = signed_in_user(request)
    exercise = get_object_or_404(Exercise, slug=slug, is_hidden=False)
    # What the class works on next: the idle model prepares for its likely mistakes.
    plan_answers_ahead(exercise)
    context = {
        "exercise": exercise,
        # Sanitised by nh3 inside render_markdown, so it is safe to mark.
        "statement_html": mark_safe(render_markdown(exercise.statement_md)),  # noqa: S308
        "initial_code": latest_code(student, exercise),
        "starter_code": exercise.starter_code,
        "socket_path": f"/ws/workspace/{exercise.slug}/",
        "draft_url": reverse("exercises:draft", args=[exercise.slug]),
        "list_url": reverse("exercises:list"),
        "next_exercise": next_exercise(student, exercise),
    }
    return render(request, "workspace/exercise.html", context)


@login_required
@require_POST
def save_draft_view(request: HttpRequest, slug: str) -> JsonResponse:
    """The page's last save when it closes (sendBeacon), for when its socket is already down."""
    exercise = get_object_or_404(Exercise, slug=slug, is_hidden=False)
    code = request.POST.get("code")
    if code is None:
        return JsonResponse({"error": "Send the code in the form field 'code'."}, status=400)
    try:
        draft = save_draft(signed_in_user(request), exercise, code)
    except CodeRejected as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse({"saved_at": draft.saved_at.isoformat()})
