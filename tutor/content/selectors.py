"""Read exercises the way an instructor manages them: all of them, hidden ones included."""

from dataclasses import dataclass

from django.db.models import Count

from exercises.models import Exercise
from exercises.selectors.exercises import ExerciseFilter, filter_exercises


@dataclass(frozen=True)
class ExerciseRow:
    exercise: Exercise
    students_tried: int


def exercise_rows(chosen: ExerciseFilter | None = None) -> list[ExerciseRow]:
    """Every exercise (or those the filter keeps) in curriculum order, with how many students
    have run or submitted it.

    The count tells an instructor what hiding an exercise would take away from someone.
    """
    exercises = (
        filter_exercises(Exercise.objects.all(), chosen or ExerciseFilter())
        .annotate(students_tried=Count("submissions__student", distinct=True))
        .order_by("order", "slug")
    )
    return [ExerciseRow(exercise, getattr(exercise, "students_tried", 0)) for exercise in exercises]
