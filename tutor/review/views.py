"""The course instructors' review pages: the list of submissions and one submission's review.

Plain forms and server-rendered diffs: the pages work without JavaScript.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from exercises.models import Submission
from tutor.accounts.roles import signed_in_user
from tutor.courses.access import taught_course
from tutor.courses.models import Course
from tutor.review.forms import CommentForm
from tutor.review.models import LineComment
from tutor.review.selectors.queue import (
    QUEUE_COLUMNS,
    QUEUE_DEFAULT_SORT,
    QueueFilters,
    course_submission,
    filter_exercises,
    filter_students,
    review_queue,
    unreviewed_count,
)
from tutor.review.selectors.submission import submission_review
from tutor.review.services import NotYourComment, add_comment, delete_comment, set_reviewed
from tutor.sorting import sorting_from

PAGE_SIZE = 25


def _course_submission(course: Course, submission_id: int) -> Submission:
    """A submission of a student enrolled in the course; any other is unknown here."""
    submission = course_submission(course, submission_id)
    if submission is None:
        raise Http404("No such submission in this course.")
    return submission


@login_required
@require_GET
def review_list_view(request: HttpRequest, slug: str) -> HttpResponse:
    course = taught_course(request.user, slug)
    filters = QueueFilters.from_query(request.GET)
    sorting = sorting_from(request.GET.get("sort", ""), QUEUE_COLUMNS, QUEUE_DEFAULT_SORT)
    queue = review_queue(course, filters, sorting)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "course": course,
        "filters": filters,
        "sorting": sorting,
        "page": page,
        "students": filter_students(course),
        "exercises": filter_exercises(course),
        "unreviewed": unreviewed_count(course),
    }
    return render(request, "review/list.html", context)


@login_required
@require_GET
def review_submission_view(request: HttpRequest, slug: str, submission_id: int) -> HttpResponse:
    course = taught_course(request.user, slug)
    submission = _course_submission(course, submission_id)
    line = request.GET.get("line", "")
    form = CommentForm(initial={"line": int(line)} if line.isdecimal() else None)
    return _render_review(request, course, submission, form)


def _render_review(
    request: HttpRequest,
    course: Course,
    submission: Submission,
    form: CommentForm,
    status: int = 200,
) -> HttpResponse:
    against = request.GET.get("against", "")
    review = submission_review(course, submission, int(against) if against.isdecimal() else None)
    next_unreviewed = (
        review_queue(course, QueueFilters(state="unreviewed")).exclude(pk=submission.pk).first()
    )
    context = {
        "course": course,
        "review": review,
        "submission": submission,
        "form": form,
        "next_unreviewed": next_unreviewed,
        "viewer": signed_in_user(request),
    }
    return render(request, "review/submission.html", context, status=status)


@login_required
@require_POST
def add_comment_view(request: HttpRequest, slug: str, submission_id: int) -> HttpResponse:
    course = taught_course(request.user, slug)
    submission = _course_submission(course, submission_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = add_comment(
                author=signed_in_user(request),
                course=course,
                submission=submission,
                line=form.cleaned_data["line"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Comment added on line {comment.line}.")
            return redirect(_review_url(course, submission) + f"#comment-{comment.pk}")
    return _render_review(request, course, submission, form, status=400)


@login_required
@require_POST
def delete_comment_view(
    request: HttpRequest, slug: str, submission_id: int, comment_id: int
) -> HttpResponse:
    course = taught_course(request.user, slug)
    submission = _course_submission(course, submission_id)
    comment = get_object_or_404(LineComment, pk=comment_id, submission=submission, course=course)
    try:
        delete_comment(signed_in_user(request), comment)
    except NotYourComment as error:
        raise PermissionDenied(str(error)) from error
    messages.success(request, f"Comment on line {comment.line} deleted.")
    return redirect(_review_url(course, submission) + f"#L{comment.line}")


@login_required
@require_POST
def mark_reviewed_view(request: HttpRequest, slug: str, submission_id: int) -> HttpResponse:
    """reviewed=1 marks the submission reviewed, reviewed=0 takes the mark back."""
    course = taught_course(request.user, slug)
    submission = _course_submission(course, submission_id)
    value = request.POST.get("reviewed", "")
    if value not in {"0", "1"}:
        return HttpResponse("Send reviewed=1 or reviewed=0.", status=400, content_type="text/plain")
    set_reviewed(submission, signed_in_user(request), value == "1")
    messages.success(request, "Marked reviewed." if value == "1" else "Review mark removed.")
    return redirect(_review_url(course, submission))


def _review_url(course: Course, submission: Submission) -> str:
    return reverse("review:submission", args=[course.slug, submission.pk])
