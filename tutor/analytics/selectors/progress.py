"""What each enrolled student did on each exercise, summed up in SQL: every table starts here.

Definitions, the same on every analytics page:

- attempted: the student pressed Run or Submit at least once on the exercise.
- solved: a Submit passed (every test, hidden ones included), as the exercise list marks it.
- graded run: a Run or Submit the grader finished (status done). Runs still waiting and runs the
  grader itself could not finish (status error: the sandbox was down) are not graded.
- pass rate: passing graded runs / graded runs, Runs and Submits together.
- first activity: the student's first Run, Submit or AI request on the exercise. Drafts are left
  out: a draft keeps only the time of its last autosave.
- time to solve: from the first activity to the first passing Submit.
- attempts to solve: the Runs and Submits up to and including the first passing Submit.
- hints: AI hint requests given, being written or waiting (as a hint budget counts them).
- penalised hints: those hints asked before the exercise was solved (a hint asked after a
  passing Submit cannot have helped to solve it: the gradebook takes no points for it).

A fixed number of queries whatever the size of the class (two, three with the attempts): they
group by student and exercise in the database and bring back one row per pair, never one row per
submission.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, NullIf, RowNumber

from exercises.models import Submission
from tutor.assist.models import AiRequest
from tutor.assist.selectors.requests import course_ai_requests
from tutor.courses.models import Course
from tutor.courses.policy import COUNTED_HINT
from tutor.courses.records import course_submissions

Pair = tuple[int, int]  # (student id, exercise id)

GRADED = Q(status=Submission.Status.DONE)
SOLVING = Q(kind=Submission.Kind.SUBMIT, status=Submission.Status.DONE, passed=True)

# A submission's share of tests passed: 1 when it passed (skipped tests do not count against
# it), None when it has no tests (NULLIF keeps PostgreSQL from dividing by zero).
TESTS_FRACTION = Case(
    When(passed=True, then=Value(1.0)),
    default=Cast("tests_passed", FloatField()) / NullIf(Cast("tests_total", FloatField()), 0.0),
    output_field=FloatField(),
)


@dataclass(frozen=True)
class Progress:
    """One student on one exercise. Counts are 0 and times None where nothing happened."""

    student_id: int
    exercise_id: int
    submissions: int = 0  # Runs and Submits
    submits: int = 0
    graded: int = 0
    graded_passed: int = 0
    first_activity_at: datetime | None = None
    last_activity_at: datetime | None = None
    solved_at: datetime | None = None
    attempts_to_solve: int | None = None
    # The best graded Submit's share of tests passed (0..1); None: no graded Submit.
    best_submit: float | None = None
    hints: int = 0
    penalised_hints: int = 0
    ai_requests: int = 0

    @property
    def attempted(self) -> bool:
        return self.submissions > 0

    @property
    def solved(self) -> bool:
        return self.solved_at is not None

    @property
    def time_to_solve(self) -> timedelta | None:
        if self.solved_at is None or self.first_activity_at is None:
            return None
        return max(self.solved_at - self.first_activity_at, timedelta(0))

    @property
    def minutes_to_solve(self) -> float | None:
        time = self.time_to_solve
        return time.total_seconds() / 60 if time is not None else None

    @property
    def status(self) -> str:
        if self.solved:
            return "solved"
        return "attempted" if self.attempted else "not started"


def course_progress(
    course: Course,
    *,
    exercise_id: int | None = None,
    student_id: int | None = None,
    attempts: bool = True,
) -> dict[Pair, Progress]:
    """Progress of the course's students on every exercise they touched (or on one exercise, or
    of one student), keyed by (student id, exercise id). Three queries; two without `attempts`
    (attempts_to_solve is then None)."""
    # The students' work in this course only (tutor/courses/records.py).
    submissions = course_submissions(course)
    requests = course_ai_requests(course)
    if exercise_id is not None:
        submissions = submissions.filter(exercise_id=exercise_id)
        requests = requests.filter(exercise_id=exercise_id)
    if student_id is not None:
        submissions = submissions.filter(student_id=student_id)
        requests = requests.filter(student_id=student_id)
    found: dict[Pair, dict[str, Any]] = {}
    for row in _submission_groups(submissions):
        found[(row.pop("student_id"), row.pop("exercise_id"))] = row
    for row in _request_groups(requests):
        pair = (row.pop("student_id"), row.pop("exercise_id"))
        found[pair] = _merge(found.get(pair), row)
    if attempts:
        for student, exercise, number in _attempts_to_solve(submissions):
            row = found[(student, exercise)]
            # Two rows at the very same instant: the first one counts.
            row["attempts_to_solve"] = min(number, row.get("attempts_to_solve") or number)
    return {
        pair: Progress(
            student_id=pair[0],
            exercise_id=pair[1],
            submissions=row.get("submissions", 0),
            submits=row.get("submits", 0),
            graded=row.get("graded", 0),
            graded_passed=row.get("graded_passed", 0),
            first_activity_at=row["first_at"],
            last_activity_at=row["last_at"],
            solved_at=row.get("solved_at"),
            attempts_to_solve=row.get("attempts_to_solve"),
            best_submit=row.get("best_submit"),
            hints=row.get("hints", 0),
            penalised_hints=row.get("penalised_hints", 0),
            ai_requests=row.get("ai_requests", 0),
        )
        for pair, row in found.items()
    }


def _submission_groups(submissions: QuerySet[Submission]) -> Any:
    return (
        submissions.order_by()
        .values("student_id", "exercise_id")
        .annotate(
            submissions=Count("id"),
            submits=Count("id", filter=Q(kind=Submission.Kind.SUBMIT)),
            graded=Count("id", filter=GRADED),
            graded_passed=Count("id", filter=GRADED & Q(passed=True)),
            first_at=Min("created_at"),
            last_at=Max("created_at"),
            solved_at=Min("created_at", filter=SOLVING),
            best_submit=Max(TESTS_FRACTION, filter=GRADED & Q(kind=Submission.Kind.SUBMIT)),
        )
    )


def _attempts_to_solve(submissions: QuerySet[Submission]) -> Any:
    """(student id, exercise id, attempts) of each solved pair: the first passing Submit's place
    in the pair's submissions, numbered in time order.

    Window functions, not a subquery per submission: a correlated subquery made PostgreSQL look
    up the pair's first passing Submit once per submission (3-5x slower on the benchmark's class).
    """
    pair = [F("student_id"), F("exercise_id")]
    return (
        submissions.order_by()
        .annotate(
            # In the order of submission_progress_idx, so no sort: two submissions of one
            # student at the very same microsecond may come in either order.
            number=Window(RowNumber(), partition_by=pair, order_by="created_at"),
            solved_at=Window(Min(Case(When(SOLVING, then=F("created_at")))), partition_by=pair),
        )
        # Filtering on a window runs after it: the numbers count every submission of the pair.
        .filter(created_at=F("solved_at"))
        .values_list("student_id", "exercise_id", "number")
    )


def _request_groups(requests: QuerySet[AiRequest]) -> Any:
    return (
        requests.order_by()
        .values("student_id", "exercise_id")
        .annotate(
            ai_requests=Count("id"),
            hints=Count("id", filter=COUNTED_HINT),
            penalised_hints=Count("id", filter=COUNTED_HINT & ~Q(Exists(_solved_before()))),
            ai_first_at=Min("created_at"),
            ai_last_at=Max("created_at"),
        )
    )


def _solved_before() -> QuerySet[Submission]:
    """A passing Submit of the request's student and exercise made before the request."""
    return Submission.objects.filter(
        SOLVING,
        student_id=OuterRef("student_id"),
        exercise_id=OuterRef("exercise_id"),
        created_at__lt=OuterRef("created_at"),
    )


def _merge(submissions: dict[str, Any] | None, requests: dict[str, Any]) -> dict[str, Any]:
    """One pair's submission and AI request sums together; activity spans both."""
    first_at = requests.pop("ai_first_at")
    last_at = requests.pop("ai_last_at")
    if submissions is None:
        return {**requests, "first_at": first_at, "last_at": last_at}
    return {
        **submissions,
        **requests,
        "first_at": min(submissions["first_at"], first_at),
        "last_at": max(submissions["last_at"], last_at),
    }
