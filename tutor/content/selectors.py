"""Read exercises the way an instructor manages them: a scope's, hidden ones included."""

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from exercises.models import Exercise, Submission
from exercises.selectors.exercises import VISIBILITIES, ExerciseFilter, filter_exercises
from tutor.content.scope import ContentScope
from tutor.courses.models import HiddenLibraryExercise
from tutor.courses.records import course_submissions

# The annotation scope_exercises() adds: hidden from the scope's students.
HIDDEN_HERE = "hidden_here"


@dataclass(frozen=True)
class ExerciseRow:
    exercise: Exercise
    students_tried: int
    hidden: bool  # hidden from the scope's students (in a course: by the course or its own flag)

    @property
    def from_library(self) -> bool:
        return self.exercise.course_id is None


def scope_exercises(scope: ContentScope) -> QuerySet[Exercise]:
    """The exercises a scope manages, annotated `hidden_here`: the library's own in the library;
    in a course, its own and the library's that the library does not hide."""
    if scope.course is None:
        return Exercise.objects.filter(course__isnull=True).annotate(
            hidden_here=ExpressionWrapper(Q(is_hidden=True), output_field=BooleanField())
        )
    hidden_by_course = HiddenLibraryExercise.objects.filter(
        course=scope.course, exercise=OuterRef("pk")
    )
    return Exercise.objects.filter(
        Q(course=scope.course) | Q(course__isnull=True, is_hidden=False)
    ).annotate(
        hidden_here=ExpressionWrapper(
            Q(is_hidden=True) | Exists(hidden_by_course), output_field=BooleanField()
        )
    )


def exercise_rows(scope: ContentScope, chosen: ExerciseFilter | None = None) -> list[ExerciseRow]:
    """The scope's exercises (or those the filter keeps) in curriculum order, with how many
    students have run or submitted each: in a course, its students' work there only.

    The count tells an instructor what hiding an exercise would take away from someone.
    """
    chosen = chosen or ExerciseFilter()
    exercises = filter_exercises(scope_exercises(scope), _without_visibility(chosen))
    if chosen.visibility:
        exercises = exercises.filter(**{HIDDEN_HERE: VISIBILITIES[chosen.visibility]})
    work = Submission.objects.all() if scope.course is None else course_submissions(scope.course)
    tried = (
        work.filter(exercise=OuterRef("pk"))
        .order_by()
        .values("exercise")
        .annotate(students=Count("student", distinct=True))
        .values("students")
    )
    annotated = exercises.annotate(
        students_tried=Coalesce(Subquery(tried, output_field=IntegerField()), Value(0))
    ).order_by("order", "slug")
    return [
        ExerciseRow(
            exercise, getattr(exercise, "students_tried", 0), bool(getattr(exercise, HIDDEN_HERE))
        )
        for exercise in annotated
    ]


def _without_visibility(chosen: ExerciseFilter) -> ExerciseFilter:
    """Visibility in a scope is `hidden_here`, not the exercise's own flag."""
    return ExerciseFilter(
        text=chosen.text, topic=chosen.topic, difficulty=chosen.difficulty, source=chosen.source
    )
