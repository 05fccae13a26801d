"""The rows of an instructor's live class view: one per enrolled student.

The stuck rule. A student is stuck on their current exercise when any of these holds:

- LIVE_STUCK_FAILED_RUNS or more failed runs in a row on it (Run or Submit graded and not
  passing; a run the grader itself could not finish neither counts nor breaks the streak);
- LIVE_STUCK_MINUTES or more on it without a passing run. Time on an exercise starts at the
  student's first submission, draft or AI request on it and runs to now while the page is open,
  else to their last activity there;
- LIVE_STUCK_HINTS or more AI hints used on it (hints given, being written, or waiting).

The current exercise is the exercise page the student has open, else the exercise of their
latest activity (submission, draft or AI request).

The whole table costs a fixed number of SQL queries (five), whatever the size of the class, and
one Redis round trip for presence.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from django.conf import settings
from django.db.models import DateTimeField, IntegerField, Model, OuterRef, Subquery
from django.db.models.fields.json import KT
from django.utils import timezone

from exercises.models import Draft, Exercise, Submission
from tutor.assist.models import AiRequest
from tutor.courses.models import Course, Enrollment
from tutor.courses.policy import counted_hint_flag
from tutor.live.services.presence import open_exercises

FINISHED = {Submission.Status.DONE, Submission.Status.ERROR}


class ExerciseRef(TypedDict):
    id: int
    slug: str
    title: str


class LastRun(TypedDict):
    """The student's latest finished Run or Submit on their current exercise: counts only."""

    kind: str
    error: bool  # the grader could not finish it
    error_message: str
    compile_error: bool  # the code did not build, so no test ran
    passed: bool
    tests_passed: int
    tests_total: int
    at: str  # ISO 8601


class LiveRow(TypedDict):
    """One student's row of the live class view (instructors only; the `table` and `row`
    messages of /ws/courses/<slug>/live/)."""

    student_id: int
    username: str
    name: str
    online: bool
    exercise: ExerciseRef | None
    last_run: LastRun | None
    started_at: str | None
    last_activity_at: str | None
    minutes_on_exercise: int | None
    has_passed: bool
    hints: int
    failed_in_a_row: int
    stuck: bool
    stuck_reasons: list[str]


@dataclass(frozen=True)
class StuckRule:
    failed_runs: int
    minutes: int
    hints: int

    @classmethod
    def from_settings(cls) -> "StuckRule":
        return cls(
            failed_runs=settings.LIVE_STUCK_FAILED_RUNS,
            minutes=settings.LIVE_STUCK_MINUTES,
            hints=settings.LIVE_STUCK_HINTS,
        )

    def as_dict(self) -> dict[str, int]:
        return {"failed_runs": self.failed_runs, "minutes": self.minutes, "hints": self.hints}


def stuck_reasons(
    *,
    failed_in_a_row: int,
    minutes_on_exercise: float | None,
    has_passed: bool,
    hints: int,
    rule: StuckRule | None = None,
) -> list[str]:
    """Why a student is stuck on an exercise (see the module's docstring); empty: not stuck."""
    rule = rule or StuckRule.from_settings()
    reasons = []
    if rule.failed_runs > 0 and failed_in_a_row >= rule.failed_runs:
        reasons.append(f"{failed_in_a_row} failed runs in a row")
    if (
        rule.minutes > 0
        and not has_passed
        and minutes_on_exercise is not None
        and minutes_on_exercise >= rule.minutes
    ):
        reasons.append(f"{int(minutes_on_exercise)} min without a passing run")
    if rule.hints > 0 and hints >= rule.hints:
        reasons.append(f"{hints} hints used")
    return reasons


def live_row(course: Course, student_id: int) -> LiveRow | None:
    """One student's row, or None if they are not enrolled in the course (any more)."""
    rows = live_rows(course, student_ids=[student_id])
    return rows[0] if rows else None


def live_rows(
    course: Course,
    *,
    student_ids: Collection[int] | None = None,
    now: datetime | None = None,
    rule: StuckRule | None = None,
) -> list[LiveRow]:
    """The rows of the course's enrolled students (or of `student_ids` among them), by username."""
    now = now or timezone.now()
    rule = rule or StuckRule.from_settings()
    enrollments = _enrollments_with_latest_activity(course, student_ids)
    pages = open_exercises(enrollment.student_id for enrollment in enrollments)
    current = {
        enrollment.student_id: pages.get(enrollment.student_id) or _latest_exercise(enrollment)
        for enrollment in enrollments
    }
    ids = list(current)
    exercise_ids = {exercise_id for exercise_id in current.values() if exercise_id is not None}
    exercises = Exercise.objects.only("id", "slug", "title").in_bulk(exercise_ids)
    submissions = _on_current(
        current,
        Submission.objects.filter(student_id__in=ids, exercise_id__in=exercise_ids)
        .order_by("-created_at")
        .values(
            "student_id",
            "exercise_id",
            "kind",
            "status",
            "passed",
            "tests_passed",
            "tests_total",
            "error_message",
            "created_at",
            "finished_at",
            # The sandbox's word for the run ("compile_error"): the one key read from the result.
            run_status=KT("result__status"),
        ),
    )
    drafts = _on_current(
        current,
        Draft.objects.filter(student_id__in=ids, exercise_id__in=exercise_ids).values(
            "student_id", "exercise_id", "saved_at"
        ),
    )
    requests = _on_current(
        current,
        AiRequest.objects.filter(student_id__in=ids, exercise_id__in=exercise_ids)
        .order_by("created_at")
        .annotate(counted_hint=counted_hint_flag())
        .values("student_id", "exercise_id", "kind", "status", "created_at", "counted_hint"),
    )
    rows = [
        _row(
            enrollment,
            exercises.get(current[enrollment.student_id] or 0),
            online=enrollment.student_id in pages,
            submissions=submissions.get(enrollment.student_id, []),
            drafts=drafts.get(enrollment.student_id, []),
            requests=requests.get(enrollment.student_id, []),
            now=now,
            rule=rule,
        )
        for enrollment in enrollments
    ]
    return sorted(rows, key=lambda row: row["username"])


def _latest(model: type[Model], field: str, time_field: str) -> Subquery:
    newest = model._default_manager.filter(student_id=OuterRef("student_id")).order_by(
        f"-{time_field}"
    )
    if field == time_field:
        return Subquery(newest.values(field)[:1], output_field=DateTimeField())
    return Subquery(newest.values(field)[:1], output_field=IntegerField())


def _enrollments_with_latest_activity(
    course: Course, student_ids: Collection[int] | None
) -> list[Enrollment]:
    enrollments = Enrollment.objects.filter(course=course).select_related("student")
    if student_ids is not None:
        enrollments = enrollments.filter(student_id__in=student_ids)
    return list(
        enrollments.annotate(
            submission_exercise=_latest(Submission, "exercise_id", "created_at"),
            submission_at=_latest(Submission, "created_at", "created_at"),
            draft_exercise=_latest(Draft, "exercise_id", "saved_at"),
            draft_at=_latest(Draft, "saved_at", "saved_at"),
            request_exercise=_latest(AiRequest, "exercise_id", "created_at"),
            request_at=_latest(AiRequest, "created_at", "created_at"),
        )
    )


def _latest_exercise(enrollment: Any) -> int | None:
    candidates = [
        (enrollment.submission_at, enrollment.submission_exercise),
        (enrollment.draft_at, enrollment.draft_exercise),
        (enrollment.request_at, enrollment.request_exercise),
    ]
    dated = [(at, exercise) for at, exercise in candidates if at is not None]
    return max(dated, key=lambda pair: pair[0])[1] if dated else None


def _on_current(current: dict[int, int | None], values: Any) -> dict[int, list[dict[str, Any]]]:
    """The rows of `values` on each student's current exercise, by student, in query order."""
    found: dict[int, list[dict[str, Any]]] = {}
    for value in values:
        if current.get(value["student_id"]) == value["exercise_id"]:
            found.setdefault(value["student_id"], []).append(value)
    return found


def _row(
    enrollment: Enrollment,
    exercise: Exercise | None,
    *,
    online: bool,
    submissions: list[dict[str, Any]],
    drafts: list[dict[str, Any]],
    requests: list[dict[str, Any]],
    now: datetime,
    rule: StuckRule,
) -> LiveRow:
    student = enrollment.student
    finished = [sub for sub in submissions if sub["status"] in FINISHED]
    has_passed = any(sub["passed"] for sub in finished)
    failed_in_a_row = 0
    for sub in finished:
        if sub["status"] == Submission.Status.ERROR:
            continue
        if sub["passed"]:
            break
        failed_in_a_row += 1
    hints = sum(1 for request in requests if request["counted_hint"])
    times = (
        [sub["created_at"] for sub in submissions]
        + [draft["saved_at"] for draft in drafts]
        + [request["created_at"] for request in requests]
    )
    started = min(times) if times else None
    last_activity = max(times) if times else None
    minutes = None
    if started is not None and last_activity is not None:
        minutes = max(((now if online else last_activity) - started).total_seconds() / 60, 0)
    reasons = stuck_reasons(
        failed_in_a_row=failed_in_a_row,
        minutes_on_exercise=minutes,
        has_passed=has_passed,
        hints=hints,
        rule=rule,
    )
    return LiveRow(
        student_id=student.pk,
        username=student.username,
        name=student.get_full_name(),
        online=online,
        exercise=(
            ExerciseRef(id=exercise.pk, slug=exercise.slug, title=exercise.title)
            if exercise is not None
            else None
        ),
        last_run=_last_run(finished[0]) if finished else None,
        started_at=started.isoformat() if started else None,
        last_activity_at=last_activity.isoformat() if last_activity else None,
        minutes_on_exercise=int(minutes) if minutes is not None else None,
        has_passed=has_passed,
        hints=hints,
        failed_in_a_row=failed_in_a_row,
        stuck=bool(reasons),
        stuck_reasons=reasons,
    )


def _last_run(submission: dict[str, Any]) -> LastRun:
    error = submission["status"] == Submission.Status.ERROR
    return LastRun(
        kind=submission["kind"],
        error=error,
        error_message=submission["error_message"] if error else "",
        # The code did not build: no test ran, so "passed 0/2" would mislead.
        compile_error=not error and submission.get("run_status") == "compile_error",
        passed=bool(submission["passed"]) and not error,
        tests_passed=submission["tests_passed"],
        tests_total=submission["tests_total"],
        at=(submission["finished_at"] or submission["created_at"]).isoformat(),
    )
