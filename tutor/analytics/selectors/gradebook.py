"""The gradebook: a score per student and exercise, and a total.

The score of an exercise, out of 100: the best graded Submit's share of tests passed (a passing
Submit scores 100; Runs do not count, they skip the hidden tests), minus the course's hint
penalty (Course.hint_penalty_percent points) for each AI hint used on the exercise before it was
solved, counted as a hint budget counts them (a hint asked after solving takes nothing); never
below 0. No graded Submit: no score, which counts as 0 in the
total. The total is the sum over the course's exercises (every listed exercise, and the hidden
ones a student of the course worked on), out of 100 per exercise.

Four queries whatever the size of the class.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User

from exercises.models import Exercise
from tutor.analytics.selectors.overview import course_exercises
from tutor.analytics.selectors.progress import course_progress
from tutor.courses.models import Course, Enrollment

FULL_SCORE = 100


@dataclass(frozen=True)
class Grade:
    best_submit: float | None  # 0..1; None: no graded Submit
    hints: int
    score: float | None  # None: no graded Submit
    penalty: float  # the points the hints took off

    # Text for the page, written here once: a template filter per cell is most of the time
    # of a 40 x 30 gradebook.
    @property
    def score_text(self) -> str:
        return points(self.score) if self.score is not None else ""

    @property
    def penalty_text(self) -> str:
        return points(self.penalty)


def points(value: float) -> str:
    """100.0 -> "100", 62.5 -> "62.5"."""
    return str(int(value)) if value == int(value) else f"{value:.1f}"


@dataclass(frozen=True)
class GradebookRow:
    student: User
    grades: list[Grade]  # in the order of Gradebook.exercises

    @property
    def total(self) -> float:
        return round(sum(grade.score or 0.0 for grade in self.grades), 1)

    @property
    def total_text(self) -> str:
        return points(self.total)


@dataclass(frozen=True)
class Gradebook:
    course: Course
    exercises: list[Exercise]
    rows: list[GradebookRow]  # by username

    @property
    def penalty_percent(self) -> int:
        return self.course.hint_penalty_percent

    @property
    def max_total(self) -> int:
        return FULL_SCORE * len(self.exercises)


def exercise_score(best_submit: float | None, hints: int, penalty_percent: int) -> float | None:
    """See the module's docstring; rounded to one decimal."""
    if best_submit is None:
        return None
    return round(max(best_submit * FULL_SCORE - penalty_percent * hints, 0.0), 1)


def grade(best_submit: float | None, hints: int, penalty_percent: int) -> Grade:
    score = exercise_score(best_submit, hints, penalty_percent)
    penalty = 0.0
    if score is not None and best_submit is not None:
        penalty = round(best_submit * FULL_SCORE - score, 1)
    return Grade(best_submit=best_submit, hints=hints, score=score, penalty=penalty)


def gradebook(course: Course) -> Gradebook:
    progress = course_progress(course, attempts=False)
    exercises = course_exercises({exercise_id for _, exercise_id in progress})
    enrollments = (
        Enrollment.objects.filter(course=course)
        .select_related("student")
        .order_by("student__username")
    )
    rows = []
    for enrollment in enrollments:
        grades = []
        for exercise in exercises:
            found = progress.get((enrollment.student_id, exercise.pk))
            best, hints = (found.best_submit, found.penalised_hints) if found else (None, 0)
            grades.append(grade(best, hints, course.hint_penalty_percent))
        rows.append(GradebookRow(student=enrollment.student, grades=grades))
    return Gradebook(course=course, exercises=exercises, rows=rows)
