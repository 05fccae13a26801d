"""One student of a course: their progress per exercise, and a timeline of their Runs, Submits
and AI requests, newest first.

Six queries whatever the student did: the three of course_progress, the exercises, the
submissions, the AI requests. The page shows the latest TIMELINE_LIMIT events; its CSV has all.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User

from exercises.models import Exercise, Submission
from tutor.analytics.selectors.overview import EXERCISE_FIELDS
from tutor.analytics.selectors.progress import Progress, course_progress
from tutor.assist.models import AiRequest
from tutor.assist.selectors.requests import course_ai_requests
from tutor.courses.models import Course
from tutor.courses.records import course_submissions

TIMELINE_LIMIT = 300


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    source: str  # "submission" or "ai"
    kind: str  # run, submit; hint, explain_error, ...
    exercise: Exercise
    status: str
    # Submissions
    passed: bool | None = None
    tests_passed: int = 0
    tests_total: int = 0
    # The run's summary, the grader's or the model's error
    message: str = ""
    # AI requests
    request_id: int | None = None
    hint_level: int | None = None
    guard_verdict: str = ""

    @property
    def is_submission(self) -> bool:
        return self.source == "submission"

    @property
    def kind_label(self) -> str:
        kinds = Submission.Kind if self.is_submission else AiRequest.Kind
        return str(kinds(self.kind).label) if self.kind in kinds.values else self.kind


@dataclass(frozen=True)
class ExerciseProgress:
    exercise: Exercise
    progress: Progress


@dataclass(frozen=True)
class StudentReport:
    course: Course
    student: User
    exercises: list[ExerciseProgress]  # the exercises they worked on, in curriculum order
    events: list[TimelineEvent]  # newest first
    truncated: bool  # more events than shown
    exercise: Exercise | None  # the filter, if any


def student_report(
    course: Course,
    student: User,
    *,
    exercise: Exercise | None = None,
    limit: int | None = TIMELINE_LIMIT,
) -> StudentReport:
    """`student` must be enrolled in `course` (the caller checks). With `exercise`, the
    timeline shows that exercise only; `limit` None: every event."""
    progress = course_progress(course, student_id=student.pk)
    exercises = Exercise.objects.only(*EXERCISE_FIELDS).in_bulk(
        {exercise_id for _, exercise_id in progress}
    )
    submissions = course_submissions(course).filter(student=student)
    requests = course_ai_requests(course).filter(student=student)
    if exercise is not None:
        submissions = submissions.filter(exercise=exercise)
        requests = requests.filter(exercise=exercise)
    events = [
        _submission_event(row, exercises)
        for row in _newest(submissions, limit).values(
            "exercise_id",
            "kind",
            "status",
            "passed",
            "tests_passed",
            "tests_total",
            "error_message",
            "created_at",
            # A key lookup: the summary line only, not the whole result.
            "result__message",
        )
    ] + [
        _request_event(row, exercises)
        for row in _newest(requests, limit).values(
            "id",
            "exercise_id",
            "kind",
            "status",
            "hint_level",
            "guard_verdict",
            "error_message",
            "created_at",
        )
    ]
    events.sort(key=lambda event: event.at, reverse=True)
    truncated = limit is not None and len(events) > limit
    ordered = sorted(
        progress.values(), key=lambda row: _curriculum_order(exercises[row.exercise_id])
    )
    return StudentReport(
        course=course,
        student=student,
        exercises=[ExerciseProgress(exercises[row.exercise_id], row) for row in ordered],
        events=events[:limit] if limit is not None else events,
        truncated=truncated,
        exercise=exercise,
    )


def _newest(queryset: Any, limit: int | None) -> Any:
    # One more than shown: it tells whether there is more.
    newest = queryset.order_by("-created_at", "-id")
    return newest[: limit + 1] if limit is not None else newest


def _curriculum_order(exercise: Exercise) -> tuple[int, str]:
    return (exercise.order, exercise.slug)


def _submission_event(row: dict[str, Any], exercises: dict[int, Exercise]) -> TimelineEvent:
    if row["status"] == Submission.Status.ERROR:
        message = row["error_message"]
    else:
        message = row["result__message"] if isinstance(row["result__message"], str) else ""
    return TimelineEvent(
        at=row["created_at"],
        source="submission",
        kind=row["kind"],
        exercise=exercises[row["exercise_id"]],
        status=row["status"],
        passed=row["passed"],
        tests_passed=row["tests_passed"],
        tests_total=row["tests_total"],
        message=message,
    )


def _request_event(row: dict[str, Any], exercises: dict[int, Exercise]) -> TimelineEvent:
    return TimelineEvent(
        at=row["created_at"],
        source="ai",
        kind=row["kind"],
        exercise=exercises[row["exercise_id"]],
        status=row["status"],
        message=row["error_message"],
        request_id=row["id"],
        hint_level=row["hint_level"],
        guard_verdict=row["guard_verdict"],
    )
