"""The course-wide table: one row per exercise (definitions in progress.py).

Five queries whatever the size of the class: the enrolment count, the three of course_progress,
the exercises; the view adds its own (session, user, course, permission).
"""

import statistics
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q

from exercises.models import Exercise
from tutor.analytics.selectors.progress import Progress, course_progress
from tutor.courses.models import Course, Enrollment
from tutor.courses.records import course_exercises

# What the tables show of an exercise; the statements and tests stay in the database.
EXERCISE_FIELDS = ("id", "slug", "title", "topic", "order", "is_hidden", "version")


@dataclass(frozen=True)
class ExerciseSummary:
    exercise: Exercise
    attempted: int  # students
    solved: int  # students
    graded: int  # graded runs
    graded_passed: int
    hints: int
    students_with_hints: int
    median_time_to_solve: timedelta | None
    median_attempts_to_solve: float | None

    @property
    def pass_rate(self) -> float | None:
        """Passing graded runs / graded runs, in percent; None without graded runs."""
        return 100 * self.graded_passed / self.graded if self.graded else None

    @property
    def median_minutes_to_solve(self) -> float | None:
        if self.median_time_to_solve is None:
            return None
        return self.median_time_to_solve.total_seconds() / 60


@dataclass(frozen=True)
class Overview:
    course: Course
    enrolled: int
    exercises: list[ExerciseSummary]


def summarize(exercise: Exercise, progress: Iterable[Progress]) -> ExerciseSummary:
    """One exercise's row from its students' progress."""
    rows = list(progress)
    solvers = [row for row in rows if row.solved]
    seconds = [time.total_seconds() for row in solvers if (time := row.time_to_solve) is not None]
    attempts = [row.attempts_to_solve for row in solvers if row.attempts_to_solve is not None]
    return ExerciseSummary(
        exercise=exercise,
        attempted=sum(1 for row in rows if row.attempted),
        solved=len(solvers),
        graded=sum(row.graded for row in rows),
        graded_passed=sum(row.graded_passed for row in rows),
        hints=sum(row.hints for row in rows),
        students_with_hints=sum(1 for row in rows if row.hints),
        median_time_to_solve=timedelta(seconds=statistics.median(seconds)) if seconds else None,
        median_attempts_to_solve=float(statistics.median(attempts)) if attempts else None,
    )


def table_exercises(course: Course, active_ids: Collection[int]) -> list[Exercise]:
    """The exercises of course-wide tables, in curriculum order: every exercise the course
    lists, and the hidden ones a student of the course worked on in it."""
    return list(
        course_exercises(course)
        .filter(Q(is_hidden=False) | Q(pk__in=list(active_ids)))
        .only(*EXERCISE_FIELDS)
        .order_by("order", "slug")
    )


def course_overview(course: Course) -> Overview:
    progress = course_progress(course)
    by_exercise: dict[int, list[Progress]] = {}
    for row in progress.values():
        by_exercise.setdefault(row.exercise_id, []).append(row)
    return Overview(
        course=course,
        enrolled=Enrollment.objects.filter(course=course).count(),
        exercises=[
            summarize(exercise, by_exercise.get(exercise.pk, []))
            for exercise in table_exercises(course, by_exercise)
        ],
    )
