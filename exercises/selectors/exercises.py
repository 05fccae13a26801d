"""Read exercises and a student's progress on them."""

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef

from exercises.models import Draft, Exercise, Submission


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
    """Where the student left off: the autosaved draft, their last graded code, or the starter."""
    draft = Draft.objects.filter(student=student, exercise=exercise).first()
    if draft is not None:
        return draft.code
    last = (
        Submission.objects.filter(student=student, exercise=exercise)
        .order_by("-created_at")
        .values_list("code", flat=True)
        .first()
    )
    return last if last is not None else exercise.starter_code


def next_exercise(student: User, exercise: Exercise) -> Exercise | None:
    """The first listed exercise after this one that the student has not solved yet."""
    solved = Submission.objects.filter(
        student=student, kind=Submission.Kind.SUBMIT, passed=True
    ).values("exercise_id")
    return (
        Exercise.objects.filter(is_hidden=False, order__gt=exercise.order)
        .exclude(pk__in=solved)
        .order_by("order", "slug")
        .first()
    )


def suggested_exercise(student: User) -> Exercise | None:
    """Where to go on: the exercise last worked on if unsolved, else the first unsolved one."""
    solved = Submission.objects.filter(
        student=student, kind=Submission.Kind.SUBMIT, passed=True
    ).values("exercise_id")
    unsolved = Exercise.objects.filter(is_hidden=False).exclude(pk__in=solved)
    recent = (
        Draft.objects.filter(student=student, exercise__in=unsolved)
        .order_by("-saved_at")
        .select_related("exercise")
        .first()
    )
    if recent is not None:
        return recent.exercise
    return unsolved.order_by("order", "slug").first()
