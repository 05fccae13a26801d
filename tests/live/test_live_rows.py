"""The live class view's rows: the stuck rule, the current exercise, the query count, the page.

tests/live/ has no __init__.py on purpose: tests/live.py (the real-stack helpers) owns the
module name tests.live.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exercises.models import Draft, Exercise, Submission
from exercises.services.importing import import_exercises_from
from tests.conftest import FIXTURES
from tutor.accounts.roles import make_instructor
from tutor.assist.models import AiRequest
from tutor.courses.models import Course
from tutor.courses.services import create_course, enrol
from tutor.live.selectors import (
    ExerciseRef,
    LastRun,
    LiveRow,
    StuckRule,
    live_row,
    live_rows,
    stuck_reasons,
)
from tutor.live.services import presence

RULE = StuckRule(failed_runs=3, minutes=10, hints=3)


def exercise_of(row: LiveRow) -> ExerciseRef:
    assert row["exercise"] is not None
    return row["exercise"]


def last_run_of(row: LiveRow) -> LastRun:
    assert row["last_run"] is not None
    return row["last_run"]


def run(student: User, exercise: Exercise, *, passed: bool, minutes_ago: float = 0) -> Submission:
    at = timezone.now() - timedelta(minutes=minutes_ago)
    submission = Submission.objects.create(
        student=student,
        exercise=exercise,
        code="x = 1\n",
        kind="run",
        status="done",
        passed=passed,
        tests_passed=2 if passed else 1,
        tests_total=2,
        finished_at=at,
    )
    Submission.objects.filter(pk=submission.pk).update(created_at=at)
    return submission


def hint(student: User, exercise: Exercise, status: str = "done") -> AiRequest:
    return AiRequest.objects.create(student=student, exercise=exercise, kind="hint", status=status)


# ---- The stuck rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failed", "minutes", "passed", "hints", "expected"),
    [
        (0, 0, False, 0, []),
        (2, 9.9, False, 2, []),
        (3, 1, False, 0, ["3 failed runs in a row"]),
        (0, 10, False, 0, ["10 min without a passing run"]),
        (0, 45, True, 0, []),
        (0, None, False, 0, []),
        (0, 1, False, 3, ["3 hints used"]),
        (
            4,
            12,
            False,
            5,
            ["4 failed runs in a row", "12 min without a passing run", "5 hints used"],
        ),
    ],
)
def test_the_stuck_rule(
    failed: int, minutes: float | None, passed: bool, hints: int, expected: list[str]
) -> None:
    reasons = stuck_reasons(
        failed_in_a_row=failed,
        minutes_on_exercise=minutes,
        has_passed=passed,
        hints=hints,
        rule=RULE,
    )
    assert reasons == expected


def test_the_rule_comes_from_settings(settings: Any) -> None:
    settings.LIVE_STUCK_FAILED_RUNS = 5
    settings.LIVE_STUCK_MINUTES = 20
    settings.LIVE_STUCK_HINTS = 1
    assert StuckRule.from_settings() == StuckRule(failed_runs=5, minutes=20, hints=1)


# ---- Rows ----------------------------------------------------------------------------------


def test_three_failed_runs_in_a_row_make_a_student_stuck(
    course: Course, student: User, add_two: Exercise
) -> None:
    run(student, add_two, passed=True, minutes_ago=4)
    for minutes_ago in (3, 2, 1):
        run(student, add_two, passed=False, minutes_ago=minutes_ago)
    row = live_row(course, student.pk)
    assert row is not None
    assert exercise_of(row)["slug"] == "add-two" and row["online"] is False
    assert row["failed_in_a_row"] == 3 and row["stuck"] is True
    assert row["stuck_reasons"] == ["3 failed runs in a row"]
    assert last_run_of(row)["passed"] is False and last_run_of(row)["tests_passed"] == 1
    assert row["minutes_on_exercise"] == 3


def test_a_run_that_did_not_compile_reads_as_one(
    course: Course, student: User, add_two: Exercise
) -> None:
    submission = run(student, add_two, passed=False, minutes_ago=1)
    Submission.objects.filter(pk=submission.pk).update(
        tests_passed=0, result={"status": "compile_error", "tests": []}
    )
    row = live_row(course, student.pk)
    assert row is not None and last_run_of(row)["compile_error"] is True
    submission.delete()
    run(student, add_two, passed=False, minutes_ago=1)
    row = live_row(course, student.pk)
    assert row is not None and last_run_of(row)["compile_error"] is False


def test_a_passing_run_ends_the_streak_and_the_time_rule(
    course: Course, student: User, add_two: Exercise
) -> None:
    for minutes_ago in (30, 29, 28):
        run(student, add_two, passed=False, minutes_ago=minutes_ago)
    run(student, add_two, passed=True, minutes_ago=1)
    row = live_row(course, student.pk)
    assert row is not None
    assert row["failed_in_a_row"] == 0 and row["has_passed"] is True
    assert row["stuck"] is False and last_run_of(row)["passed"] is True


def test_long_on_an_exercise_without_passing_is_stuck(
    course: Course, student: User, add_two: Exercise
) -> None:
    run(student, add_two, passed=False, minutes_ago=15)
    hint(student, add_two)
    row = live_row(course, student.pk)
    assert row is not None and row["minutes_on_exercise"] == 15
    assert row["stuck_reasons"] == ["15 min without a passing run"]


def test_hints_are_counted_on_the_current_exercise(
    course: Course, student: User, add_two: Exercise
) -> None:
    for status in ("done", "running", "queued"):
        hint(student, add_two, status)
    hint(student, add_two, "failed")  # does not count, like the hint budget
    AiRequest.objects.create(student=student, exercise=add_two, kind="ask", status="done")
    row = live_row(course, student.pk)
    assert row is not None and row["hints"] == 3
    assert row["stuck_reasons"] == ["3 hints used"]


def test_the_open_page_is_the_current_exercise(
    course: Course, student: User, add_two: Exercise
) -> None:
    import_exercises_from(FIXTURES / "exercism")
    other = Exercise.objects.exclude(pk=add_two.pk).first()
    assert other is not None
    run(student, add_two, passed=False, minutes_ago=5)
    Draft.objects.create(student=student, exercise=other, code="y = 2\n")
    row = live_row(course, student.pk)
    assert row is not None and exercise_of(row)["slug"] == other.slug  # the latest activity
    presence.mark_online(student.pk, add_two.pk, "channel-1")
    row = live_row(course, student.pk)
    assert row is not None and row["online"] is True and exercise_of(row)["slug"] == "add-two"
    presence.mark_offline(student.pk, add_two.pk, "channel-1")
    row = live_row(course, student.pk)
    assert row is not None and row["online"] is False and exercise_of(row)["slug"] == other.slug


def test_students_of_other_courses_have_no_row(
    course: Course, other_student: User, add_two: Exercise
) -> None:
    run(other_student, add_two, passed=False)
    assert live_row(course, other_student.pk) is None
    assert [row["username"] for row in live_rows(course)] == ["alice"]


def test_a_student_with_no_activity_has_an_empty_row(course: Course, student: User) -> None:
    row = live_row(course, student.pk)
    assert row is not None
    assert row["exercise"] is None and row["last_run"] is None and row["hints"] == 0
    assert row["stuck"] is False and row["minutes_on_exercise"] is None


# ---- Query count ---------------------------------------------------------------------------


def class_of(size: int, exercise: Exercise) -> Course:
    course = create_course(f"Class {size}", f"class-{size}")
    for number in range(size):
        pupil = get_user_model().objects.create_user(f"pupil-{size}-{number}")
        enrol(course, pupil)
        run(pupil, exercise, passed=False, minutes_ago=3)
        run(pupil, exercise, passed=number % 2 == 0, minutes_ago=1)
        Draft.objects.create(student=pupil, exercise=exercise, code="x = 1\n")
        hint(pupil, exercise)
        if number % 3 == 0:
            presence.mark_online(pupil.pk, exercise.pk, f"channel-{pupil.pk}")
    return course


def queries_for(course: Course) -> int:
    with CaptureQueriesContext(connection) as queries:
        rows = live_rows(course)
    assert all(row["exercise"] is not None for row in rows)
    return len(queries)


def test_the_table_costs_the_same_queries_for_5_or_25_students(
    add_two: Exercise, django_assert_max_num_queries: object
) -> None:
    small, large = class_of(5, add_two), class_of(25, add_two)
    assert len(live_rows(large)) == 25
    assert queries_for(small) == queries_for(large)
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        live_rows(small)
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        live_rows(large)


# ---- The page ------------------------------------------------------------------------------


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_instructors_see_the_live_page(course: Course, instructor: User, student: User) -> None:
    response = signed_in(instructor).get("/courses/python-1/live/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "alice" in page and "/ws/courses/python-1/live/" in page and "js/live.js" in page
    assert "3 or more failed runs in a row" in page


def test_the_detail_page_links_to_the_live_page(course: Course, instructor: User) -> None:
    response = signed_in(instructor).get("/courses/python-1/")
    assert "/courses/python-1/live/" in response.content.decode()


def test_students_and_other_instructors_are_refused(course: Course, student: User) -> None:
    other = get_user_model().objects.create_user("other-teacher")
    make_instructor(other)
    assert signed_in(student).get("/courses/python-1/live/").status_code == 403
    assert signed_in(other).get("/courses/python-1/live/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(course: Course) -> None:
    response = Client().get("/courses/python-1/live/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# ---- The hooks never break what they hook into ---------------------------------------------


def test_a_failing_channel_layer_does_not_break_grading(
    course: Course, student: User, add_two: Exercise, django_capture_on_commit_callbacks: Any
) -> None:
    from unittest import mock

    from exercises.services.grading import grade_submission

    submission = Submission.objects.create(
        student=student, exercise=add_two, code="def add(a, b):\n    return a + b\n", kind="run"
    )
    broken = mock.Mock(side_effect=ConnectionError("redis is down"))
    with (
        mock.patch("tutor.live.services.notify._course_ids", broken),
        django_capture_on_commit_callbacks(execute=True),
    ):
        grade_submission(submission.pk)
    submission.refresh_from_db()
    assert submission.status == "done" and submission.passed is True
    assert broken.called


async def test_a_failing_redis_does_not_break_the_workspace_hooks() -> None:
    from unittest import mock

    broken = mock.Mock(side_effect=ConnectionError("redis is down"))
    with (
        mock.patch("tutor.live.services.presence.redis_client", broken),
        mock.patch("tutor.live.services.notify._course_ids", broken),
    ):
        await presence.page_opened(1, 1, "channel-x")
        await presence.page_seen(1, 1, "channel-x")
        await presence.page_closed(1, 1, "channel-x")
    assert broken.called
