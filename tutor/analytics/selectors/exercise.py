"""One exercise in one course: its summary, each student's status, the tests that fail most,
the most common error types and the hints by level.

Counting rules:
- a failing test counts once per graded run it failed in (outcome failed or error), and the
  students column counts who had it fail at least once;
- an error type counts once per failing graded run that had a test fail with it (a syntax
  error fails every test of the run, and is still one run), with its students the same way;
- hints by level count AI hint requests given, being written or waiting.

Six queries whatever the size of the class. Only the failing runs' results are read, and of
those only the status and the tests: one exercise's failing runs, never the whole course's.
"""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count

from exercises.models import Exercise, Submission
from tutor.analytics.failures import error_type
from tutor.analytics.selectors.overview import ExerciseSummary, summarize
from tutor.analytics.selectors.progress import COUNTED_HINT, Progress, course_progress
from tutor.assist.selectors.requests import course_ai_requests
from tutor.courses.models import Course, Enrollment
from tutor.courses.records import course_submissions

FAILING_OUTCOMES = frozenset({"failed", "error"})


@dataclass(frozen=True)
class FailingTest:
    file: str
    name: str
    runs: int  # graded runs it failed in
    students: int


@dataclass(frozen=True)
class ErrorTypeCount:
    error_type: str
    runs: int
    students: int


@dataclass(frozen=True)
class HintLevelCount:
    level: int | None  # None: a hint request without a level
    hints: int
    students: int


@dataclass(frozen=True)
class StudentOnExercise:
    student: User
    progress: Progress


@dataclass(frozen=True)
class ExerciseReport:
    course: Course
    summary: ExerciseSummary
    students: list[StudentOnExercise]  # every enrolled student, by username
    failing_tests: list[FailingTest]  # most runs first
    error_types: list[ErrorTypeCount]  # most runs first
    hint_levels: list[HintLevelCount]  # by level

    @property
    def exercise(self) -> Exercise:
        return self.summary.exercise


def exercise_report(course: Course, exercise: Exercise) -> ExerciseReport:
    progress = course_progress(course, exercise_id=exercise.pk)
    enrollments = Enrollment.objects.filter(course=course).select_related("student")
    students = [
        StudentOnExercise(
            student=enrollment.student,
            progress=progress.get(
                (enrollment.student_id, exercise.pk),
                Progress(student_id=enrollment.student_id, exercise_id=exercise.pk),
            ),
        )
        for enrollment in enrollments.order_by("student__username")
    ]
    failing_tests, error_types = _failures(course, exercise)
    return ExerciseReport(
        course=course,
        summary=summarize(exercise, progress.values()),
        students=students,
        failing_tests=failing_tests,
        error_types=error_types,
        hint_levels=_hint_levels(course, exercise),
    )


def _failures(course: Course, exercise: Exercise) -> tuple[list[FailingTest], list[ErrorTypeCount]]:
    runs = (
        course_submissions(course)
        .filter(
            exercise=exercise,
            status=Submission.Status.DONE,
            passed=False,
        )
        .order_by()
        # Key lookups: the database hands over the status and the tests, not stdout or code.
        .values_list("student_id", "result__status", "result__tests")
    )
    test_runs: Counter[tuple[str, str]] = Counter()
    test_students: dict[tuple[str, str], set[int]] = {}
    type_runs: Counter[str] = Counter()
    type_students: dict[str, set[int]] = {}
    for student_id, status, tests in runs:
        failing = [test for test in _tests(tests) if test.get("outcome") in FAILING_OUTCOMES]
        for test in failing:
            key = (str(test.get("file", "")), str(test.get("name", "")))
            test_runs[key] += 1
            test_students.setdefault(key, set()).add(student_id)
        for kind in {error_type(test, str(status or "")) for test in failing}:
            type_runs[kind] += 1
            type_students.setdefault(kind, set()).add(student_id)
    return (
        [
            FailingTest(file=file, name=name, runs=count, students=len(test_students[file, name]))
            for (file, name), count in _most_first(test_runs)
        ],
        [
            ErrorTypeCount(error_type=kind, runs=count, students=len(type_students[kind]))
            for kind, count in _most_first(type_runs)
        ],
    )


def _tests(value: Any) -> list[dict[str, Any]]:
    """A result's tests; results come from inside the sandbox, so trust no shape."""
    if not isinstance(value, list):
        return []
    return [test for test in value if isinstance(test, dict)]


def _most_first(counter: Counter[Any]) -> list[tuple[Any, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def _hint_levels(course: Course, exercise: Exercise) -> list[HintLevelCount]:
    rows = (
        course_ai_requests(course)
        .filter(COUNTED_HINT, exercise=exercise)
        .order_by()
        .values("hint_level")
        .annotate(hints=Count("id"), students=Count("student_id", distinct=True))
    )
    levels = [
        HintLevelCount(level=row["hint_level"], hints=row["hints"], students=row["students"])
        for row in rows
    ]
    # Levels in order, requests without a level last.
    return sorted(levels, key=lambda row: (row.level is None, row.level or 0))
