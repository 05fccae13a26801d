"""Assignments: a course's exercises grouped with an opening and a due date.

A Submit after the due date still counts, marked late; the gradebook groups its columns by
assignment (tutor/analytics/selectors/gradebook.py). An exercise is in at most one assignment
of a course, so that "late" has one meaning per grade.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from exercises.models import Exercise, Submission
from tutor.courses.models import Assignment, Course, Enrollment
from tutor.courses.records import listed_course_exercises

DATETIME_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


class AssignmentForm(forms.Form):
    title = forms.CharField(max_length=200)
    opens_at = forms.DateTimeField(
        input_formats=[DATETIME_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    due_at = forms.DateTimeField(
        input_formats=[DATETIME_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    exercises = forms.ModelMultipleChoiceField(
        queryset=Exercise.objects.none(), to_field_name="slug", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, course: Course, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.course = course
        field = self.fields["exercises"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = listed_course_exercises(course).order_by("order", "slug")

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        opens, due = cleaned.get("opens_at"), cleaned.get("due_at")
        if isinstance(opens, datetime) and isinstance(due, datetime) and due <= opens:
            self.add_error("due_at", "The due date must come after the opening.")
        taken = Assignment.objects.filter(
            course=self.course, exercises__in=cleaned.get("exercises") or []
        ).values_list("title", "exercises__title")
        for title, exercise in taken:
            self.add_error("exercises", f"{exercise} is already in the assignment {title}.")
        return cleaned


def create_assignment(
    *,
    course: Course,
    title: str,
    opens_at: datetime,
    due_at: datetime,
    exercises: Iterable[Exercise],
) -> Assignment:
    """The caller validated the data (AssignmentForm) and checked the right."""
    with transaction.atomic():
        assignment = Assignment.objects.create(
            course=course, title=title.strip(), opens_at=opens_at, due_at=due_at
        )
        assignment.exercises.set(list(exercises))
    return assignment


@dataclass(frozen=True)
class DueExercise:
    exercise: Exercise
    status: str  # "solved", "solved late", "attempted", "not started"

    @property
    def late(self) -> bool:
        return self.status == "solved late"


@dataclass(frozen=True)
class DueAssignment:
    assignment: Assignment
    exercises: list[DueExercise]
    past_due: bool


def assignments_for_student(student: User, now: datetime | None = None) -> list[DueAssignment]:
    """The open assignments of the student's courses, soonest due first, with where the student
    stands on each exercise. Not yet open ones are left out."""
    now = now or timezone.now()
    courses = Enrollment.objects.filter(student=student).values("course_id")
    assignments = (
        Assignment.objects.filter(course__in=courses, opens_at__lte=now)
        .select_related("course")
        .prefetch_related("exercises")
    )
    return [_due_assignment(student, assignment, now) for assignment in assignments]


def _due_assignment(student: User, assignment: Assignment, now: datetime) -> DueAssignment:
    submissions = Submission.objects.filter(
        student=student, exercise__in=assignment.exercises.all()
    )
    attempted = set(submissions.values_list("exercise_id", flat=True))
    passing = submissions.filter(kind=Submission.Kind.SUBMIT, passed=True)
    on_time = set(
        passing.filter(created_at__lte=assignment.due_at).values_list("exercise_id", flat=True)
    )
    late = set(
        passing.filter(~Q(exercise_id__in=on_time), created_at__gt=assignment.due_at).values_list(
            "exercise_id", flat=True
        )
    )

    def status(exercise: Exercise) -> str:
        if exercise.pk in on_time:
            return "solved"
        if exercise.pk in late:
            return "solved late"
        return "attempted" if exercise.pk in attempted else "not started"

    exercises = sorted(
        assignment.exercises.all(), key=lambda exercise: (exercise.order, exercise.slug)
    )
    return DueAssignment(
        assignment=assignment,
        exercises=[DueExercise(exercise, status(exercise)) for exercise in exercises],
        past_due=assignment.due_at < now,
    )
