"""The gradebook: a score per student and exercise, and a total.

The score of an exercise, out of 100: the best graded Submit's share of tests passed (a passing
Submit scores 100; Runs do not count, they skip the hidden tests), minus the course's hint
penalty (Course.hint_penalty_percent points) for each AI hint used on the exercise before it was
solved, counted as a hint budget counts them (a hint asked after solving takes nothing); never
below 0. No graded Submit: no score, which counts as 0 in the
total. The total is the sum over the course's exercises (every listed exercise, and the hidden
ones a student of the course worked on), out of 100 per exercise.

The columns follow the course's assignments (soonest due first), then the exercises in none. A
grade of an assignment's exercise is marked `late` when its best Submit came after the due date:
the score counts, the mark says so.

A grade is marked `older_tests` when a graded Submit behind it ran an older version of the
exercise's tests than the current one (a regrade brings it up to date).

Six queries whatever the size of the class; with assignments, one more for their exercises and
one per assignment.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import F, Max, Q

from exercises.models import Exercise, Submission
from tutor.analytics.selectors.overview import table_exercises
from tutor.analytics.selectors.progress import TESTS_FRACTION, course_progress
from tutor.courses.models import Assignment, Course, Enrollment
from tutor.courses.records import course_submissions

FULL_SCORE = 100


@dataclass(frozen=True)
class Grade:
    best_submit: float | None  # 0..1; None: no graded Submit
    hints: int
    score: float | None  # None: no graded Submit
    penalty: float  # the points the hints took off
    older_tests: bool = False  # some graded Submit ran an older version of the tests
    late: bool = False  # the best Submit came after its assignment's due date

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
class GradebookSection:
    """A run of columns: one assignment's exercises, or (assignment None) those in none."""

    assignment: Assignment | None
    exercises: list[Exercise]

    @property
    def title(self) -> str:
        return self.assignment.title if self.assignment is not None else "Other exercises"


@dataclass(frozen=True)
class Gradebook:
    course: Course
    exercises: list[Exercise]  # the columns, section after section
    rows: list[GradebookRow]  # by username
    sections: list[GradebookSection] = field(default_factory=list)

    @property
    def has_assignments(self) -> bool:
        return any(section.assignment is not None for section in self.sections)

    @property
    def older_by_exercise(self) -> list[tuple[Exercise, int]]:
        """Each exercise with how many students' grades ran older tests (a regrade's worth)."""
        return [
            (exercise, sum(row.grades[index].older_tests for row in self.rows))
            for index, exercise in enumerate(self.exercises)
        ]

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


def grade(
    best_submit: float | None,
    hints: int,
    penalty_percent: int,
    *,
    older_tests: bool = False,
    late: bool = False,
) -> Grade:
    score = exercise_score(best_submit, hints, penalty_percent)
    penalty = 0.0
    if score is not None and best_submit is not None:
        penalty = round(best_submit * FULL_SCORE - score, 1)
    return Grade(
        best_submit=best_submit,
        hints=hints,
        score=score,
        penalty=penalty,
        older_tests=older_tests,
        late=late,
    )


def sections_of(assignments: list[Assignment], exercises: list[Exercise]) -> list[GradebookSection]:
    """The columns grouped by assignment, each in curriculum order; the rest last."""
    placed: set[int] = set()
    sections = []
    for assignment in assignments:
        members = {exercise.pk for exercise in assignment.exercises.all()}
        columns = [exercise for exercise in exercises if exercise.pk in members]
        placed.update(members)
        sections.append(GradebookSection(assignment, columns))
    rest = [exercise for exercise in exercises if exercise.pk not in placed]
    if rest:
        sections.append(GradebookSection(None, rest))
    return [section for section in sections if section.exercises]


def late_grades(course: Course, assignments: list[Assignment]) -> set[tuple[int, int]]:
    """(student id, exercise id) whose best graded Submit came after the assignment's due date."""
    late: set[tuple[int, int]] = set()
    graded_submits = course_submissions(course).filter(
        kind=Submission.Kind.SUBMIT, status=Submission.Status.DONE
    )
    for assignment in assignments:
        due = assignment.due_at
        rows = (
            graded_submits.filter(exercise__in=[e.pk for e in assignment.exercises.all()])
            .order_by()
            .values("student_id", "exercise_id")
            .annotate(
                on_time=Max(TESTS_FRACTION, filter=Q(created_at__lte=due)),
                after=Max(TESTS_FRACTION, filter=Q(created_at__gt=due)),
            )
        )
        for row in rows:
            on_time, after = row["on_time"], row["after"]
            if after is not None and (on_time is None or after > on_time):
                late.add((row["student_id"], row["exercise_id"]))
    return late


def graded_on_older_tests(course: Course) -> set[tuple[int, int]]:
    """(student id, exercise id) of the course's work with a graded Submit on an older version."""
    older = course_submissions(course).filter(
        kind=Submission.Kind.SUBMIT,
        status=Submission.Status.DONE,
        exercise_version__lt=F("exercise__version"),
    )
    return set(older.order_by().values_list("student_id", "exercise_id").distinct())


def gradebook(course: Course) -> Gradebook:
    progress = course_progress(course, attempts=False)
    assignments = list(
        Assignment.objects.filter(course=course).prefetch_related("exercises").order_by("due_at")
    )
    sections = sections_of(
        assignments, table_exercises(course, {exercise_id for _, exercise_id in progress})
    )
    exercises = [exercise for section in sections for exercise in section.exercises]
    late = late_grades(course, assignments)
    enrollments = (
        Enrollment.objects.filter(course=course)
        .select_related("student")
        .order_by("student__username")
    )
    older = graded_on_older_tests(course)
    rows = []
    for enrollment in enrollments:
        grades = []
        for exercise in exercises:
            pair = (enrollment.student_id, exercise.pk)
            found = progress.get(pair)
            best, hints = (found.best_submit, found.penalised_hints) if found else (None, 0)
            grades.append(
                grade(
                    best,
                    hints,
                    course.hint_penalty_percent,
                    older_tests=pair in older,
                    late=pair in late,
                )
            )
        rows.append(GradebookRow(student=enrollment.student, grades=grades))
    return Gradebook(course=course, exercises=exercises, rows=rows, sections=sections)
