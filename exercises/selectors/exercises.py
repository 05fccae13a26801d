"""Read exercises and a student's progress on them."""

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef

from exercises.models import Exercise, Submission


class Progress(StrEnum):
    NOT_STARTED = "not started"
    ATTEMPTED = "attempted"
    SOLVED = "solved"


@dataclass(frozen=True)
class ExerciseRow:
    exercise: Exercise
    progress: Progress


@dataclass(frozen=True)
class TopicGroup:
    topic: str
    rows: list[ExerciseRow]


def listed_exercises() -> list[Exercise]:
    return list(Exercise.objects.filter(is_hidden=False).order_by("order", "slug"))


def exercises_by_topic(student: User) -> list[TopicGroup]:
    """Exercises grouped by topic in curriculum order, each with this student's progress."""
    mine = Submission.objects.filter(student=student, exercise=OuterRef("pk"))
    exercises = (
        Exercise.objects.filter(is_hidden=False)
        .annotate(
            attempted=Exists(mine),
            solved=Exists(mine.filter(kind=Submission.Kind.SUBMIT, passed=True)),
        )
        .order_by("order", "slug")
    )
    groups: dict[str, list[ExerciseRow]] = {}
    for exercise in exercises:
        groups.setdefault(exercise.topic, []).append(
            ExerciseRow(exercise=exercise, progress=_progress(exercise))
        )
    return [TopicGroup(topic=topic, rows=rows) for topic, rows in groups.items()]


def _progress(exercise: Exercise) -> Progress:
    if getattr(exercise, "solved", False):
        return Progress.SOLVED
    if getattr(exercise, "attempted", False):
        return Progress.ATTEMPTED
    return Progress.NOT_STARTED


def latest_code(student: User, exercise: Exercise) -> str:
    """Where the student left off: their last graded code, else the starter code."""
    last = (
        Submission.objects.filter(student=student, exercise=exercise)
        .order_by("-created_at")
        .values_list("code", flat=True)
        .first()
    )
    return last if last is not None else exercise.starter_code
