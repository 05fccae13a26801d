"""Read exercises the way an instructor manages them: all of them, hidden ones included."""

from dataclasses import dataclass

from django.db.models import Count

from exercises.models import Exercise


@dataclass(frozen=True)
class ExerciseRow:
    exercise: Exercise
    students_tried: int


def exercise_rows() -> list[ExerciseRow]:
    """Every exercise in curriculum order, with how many students have run or submitted it.

    The count tells an instructor what hiding an exercise would take away from someone.
    """
    exercises = Exercise.objects.annotate(
        students_tried=Count("submissions__student", distinct=True)
    ).order_by("order", "slug")
    return [ExerciseRow(exercise, getattr(exercise, "students_tried", 0)) for exercise in exercises]
