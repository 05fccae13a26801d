"""The review list: a course's submissions, newest first, narrowed by the instructor's filters."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from exercises.models import Exercise, Submission
from tutor.courses.models import Course
from tutor.courses.records import course_submissions
from tutor.sorting import Sorting, sorting_from

REVIEW_STATES = {"unreviewed", "reviewed"}


@dataclass(frozen=True)
class QueueFilters:
    """What the list's GET form asks for; a value that makes no sense counts as no filter."""

    state: str = ""  # "", "unreviewed" or "reviewed"
    student_id: int | None = None
    exercise_slug: str = ""
    kind: str = ""  # "", "run" or "submit"

    @classmethod
    def from_query(cls, query: QueryDict) -> "QueueFilters":
        state = query.get("state", "")
        kind = query.get("kind", "")
        student = query.get("student", "")
        return cls(
            state=state if state in REVIEW_STATES else "",
            student_id=int(student) if student.isdecimal() else None,
            exercise_slug=query.get("exercise", "").strip(),
            kind=kind if kind in Submission.Kind.values else "",
        )


def course_submission(course: Course, submission_id: int) -> Submission | None:
    return (
        course_submissions(course)
        .select_related("student", "exercise")
        .filter(pk=submission_id)
        .first()
    )


# ?sort= keys of the queue's columns -> the fields they order by; the id breaks ties.
QUEUE_COLUMNS: dict[str, tuple[str, ...]] = {
    "when": ("created_at", "pk"),
    "student": ("student__username", "created_at", "pk"),
    "exercise": ("exercise__title", "created_at", "pk"),
    "kind": ("kind", "created_at", "pk"),
    "result": ("passed", "tests_passed", "created_at", "pk"),
    "comments": ("comment_count", "created_at", "pk"),
    "reviewed": ("review_mark__reviewed_at", "created_at", "pk"),
}
QUEUE_DEFAULT_SORT = "-when"


def review_queue(
    course: Course, filters: QueueFilters, sorting: Sorting | None = None
) -> QuerySet[Submission]:
    submissions = (
        course_submissions(course)
        .select_related("student", "exercise", "review_mark", "review_mark__reviewed_by")
        .annotate(comment_count=Count("line_comments", filter=Q(line_comments__course=course)))
    )
    if filters.state == "unreviewed":
        submissions = submissions.filter(review_mark__isnull=True)
    elif filters.state == "reviewed":
        submissions = submissions.filter(review_mark__isnull=False)
    if filters.student_id is not None:
        submissions = submissions.filter(student_id=filters.student_id)
    if filters.exercise_slug:
        submissions = submissions.filter(exercise__slug=filters.exercise_slug)
    if filters.kind:
        submissions = submissions.filter(kind=filters.kind)
    sorting = sorting or sorting_from(QUEUE_DEFAULT_SORT, QUEUE_COLUMNS, QUEUE_DEFAULT_SORT)
    return submissions.order_by(*sorting.order_by())


def unreviewed_count(course: Course) -> int:
    return course_submissions(course).filter(review_mark__isnull=True).count()


def filter_students(course: Course) -> QuerySet[User]:
    return User.objects.filter(enrollments__course=course).order_by("username")


def filter_exercises(course: Course) -> QuerySet[Exercise]:
    """Only exercises the course's students have submitted something for."""
    return Exercise.objects.filter(
        pk__in=course_submissions(course).values("exercise_id")
    ).order_by("order", "slug")
