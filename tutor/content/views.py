"""Instructors' content pages: every exercise with hide/show, importing, a course's AI policy."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exercises.models import Exercise
from exercises.selectors.exercises import (
    ExerciseFilter,
    exercise_facets,
    exercise_filter_from,
    filter_exercises,
)
from tutor.accounts.decorators import instructor_required
from tutor.content.archives import ArchiveRefused
from tutor.content.folders import FolderRefused, folder_choices
from tutor.content.importing import (
    ContentImportReport,
    archive_limits,
    import_archive,
    import_folder,
    import_roots,
)
from tutor.content.policy_form import policy_form_for, read_policy_form
from tutor.content.scope import ContentScope, content_scope, content_scopes
from tutor.content.selectors import exercise_rows, scope_exercises
from tutor.content.services import save_course_policy, set_hidden_in_scope
from tutor.courses.access import taught_course
from tutor.courses.models import AiMode

HIDDEN_VALUES = {"1": True, "0": False}
# action -> (hidden, which exercises): the ticked ones, or all the list's filter keeps.
BULK_ACTIONS = {
    "hide-selected": (True, "selected"),
    "show-selected": (False, "selected"),
    "hide-matching": (True, "matching"),
    "show-matching": (False, "matching"),
}


@instructor_required
@require_GET
def exercises_view(request: HttpRequest) -> HttpResponse:
    scope = content_scope(request.user, request.GET.get("in", ""))
    chosen = exercise_filter_from(request.GET)
    context = {
        "scope": scope,
        "scopes": content_scopes(request.user),
        "rows": exercise_rows(scope, chosen),
        "filter": chosen,
        "facets": exercise_facets(scope_exercises(scope)),
        "total": scope_exercises(scope).count(),
    }
    return render(request, "content/exercises.html", context)


@instructor_required
@require_POST
def bulk_visibility_view(request: HttpRequest) -> HttpResponse:
    """Hide or show the ticked exercises (…-selected) or all that match the list's filter
    (…-matching: a topic, a source, ...), in one scope. The list comes back with the same
    filter."""
    scope = content_scope(request.user, request.POST.get("in", ""))
    action = BULK_ACTIONS.get(request.POST.get("action", ""))
    chosen = exercise_filter_from(request.POST)
    if action is None:
        return HttpResponse(
            "Send action=hide-selected, show-selected, hide-matching or show-matching.",
            status=400,
        )
    hidden, which = action
    in_scope = scope_exercises(scope)
    if which == "selected":
        exercises = in_scope.filter(slug__in=request.POST.getlist("slugs"))
        if not exercises.exists():
            messages.error(request, "Tick the exercises to hide or show first.")
            return redirect(_list_url(scope, chosen))
    elif chosen.is_active:
        exercises = filter_exercises(in_scope, chosen)
    else:
        messages.error(request, "Filter the list first (a topic, a source, ...), then act on it.")
        return redirect(_list_url(scope, chosen))
    changed = set_hidden_in_scope(scope, exercises, hidden)
    state = "hidden from students" if hidden else "shown to students"
    messages.success(request, f"{changed} exercise{pluralize(changed)} {state} now.")
    return redirect(_list_url(scope, chosen))


def _list_url(scope: ContentScope, chosen: ExerciseFilter) -> str:
    query = {
        "in": scope.key,
        "q": chosen.text,
        "topic": chosen.topic,
        "difficulty": chosen.difficulty,
        "source": chosen.source,
        "visibility": chosen.visibility,
    }
    kept = urlencode({key: value for key, value in query.items() if value})
    return reverse("content:exercises") + (f"?{kept}" if kept else "")


@instructor_required
@require_POST
def visibility_view(request: HttpRequest, slug: str) -> HttpResponse:
    """hidden=1 hides the exercise from the scope's students, hidden=0 shows it again
    (idempotent). An exercise outside the scope is unknown here (404)."""
    scope = content_scope(request.user, request.POST.get("in", ""))
    exercise = get_object_or_404(scope_exercises(scope), slug=slug)
    hidden = HIDDEN_VALUES.get(request.POST.get("hidden", ""))
    if hidden is None:
        return HttpResponse(
            "Send hidden=1 to hide the exercise or hidden=0 to show it.", status=400
        )
    set_hidden_in_scope(scope, Exercise.objects.filter(pk=exercise.pk), hidden)
    state = "hidden from students" if hidden else "shown to students"
    where = f" in {scope.label}" if scope.course is not None and exercise.in_library else ""
    messages.success(request, f"{exercise.title} is {state}{where} now.")
    return redirect(_list_url(scope, ExerciseFilter()))


@instructor_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    """One page, two forms: a folder on the server, or an uploaded .zip / .tar.gz; both import
    into one scope (a course the instructor teaches, or the library for its editors)."""
    scope = content_scope(request.user, request.POST.get("in") or request.GET.get("in", ""))
    context: dict[str, object] = {
        "scope": scope,
        "scopes": content_scopes(request.user),
        "roots": import_roots(),
        "choices": folder_choices(import_roots()),
        "limits": archive_limits(),
        "folder": "",
    }
    if request.method == "GET":
        return render(request, "content/import.html", context)
    report: ContentImportReport
    try:
        if request.POST.get("source") == "folder":
            context["folder"] = request.POST.get("folder", "")
            report = import_folder(request.POST.get("folder", ""), course=scope.course)
        elif request.POST.get("source") == "archive":
            upload = request.FILES.get("archive")
            if upload is None:
                raise ArchiveRefused("Choose a .zip or .tar.gz file to upload.")
            report = import_archive(upload, upload.name or "archive", course=scope.course)
        else:
            raise FolderRefused("Choose a folder or an archive to import from.")
    except (FolderRefused, ArchiveRefused) as error:
        context["refused"] = str(error)
        return render(request, "content/import.html", context, status=400)
    context["report"] = report
    return render(request, "content/import.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def course_policy_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The course's AI rules and, per exercise, a mode and hint budget of its own."""
    course = taught_course(request.user, slug)
    if request.method == "GET":
        form = policy_form_for(course)
    else:
        form = read_policy_form(request.POST)
        if form.changes is not None:
            save_course_policy(course, form.changes)
            messages.success(request, "The AI policy is saved; it applies to the next request.")
            return redirect("courses:policy", slug=course.slug)
    context = {"course": course, "form": form, "modes": AiMode.choices}
    return render(request, "content/policy.html", context, status=400 if form.errors else 200)
