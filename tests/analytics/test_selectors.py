"""The figures of the analytics pages on the hand-made class of conftest.py, worked out by hand."""

from datetime import timedelta
from typing import Any

import pytest

from tests.analytics.conftest import ai_request, at
from tutor.analytics.selectors.exercise import (
    ErrorTypeCount,
    FailingTest,
    HintLevelCount,
    exercise_report,
)
from tutor.analytics.selectors.gradebook import exercise_score, gradebook
from tutor.analytics.selectors.overview import course_overview
from tutor.analytics.selectors.progress import course_progress
from tutor.analytics.selectors.timeline import student_report


def test_progress_per_student_and_exercise(classroom: Any) -> None:
    alice, bob, a = classroom["alice"], classroom["bob"], classroom["a"]
    progress = course_progress(classroom["course"])
    mine = progress[(alice.pk, a.pk)]
    assert mine.first_activity_at == at(0)  # the hint, before the first run
    assert mine.solved_at == at(10)
    assert mine.time_to_solve == timedelta(minutes=10)
    assert mine.attempts_to_solve == 4  # run, submit, the ungraded run, the passing submit
    assert (mine.submissions, mine.graded, mine.graded_passed) == (5, 4, 2)
    assert mine.hints == 2 and mine.ai_requests == 3
    assert mine.last_activity_at == at(12)
    assert mine.best_submit == 1.0
    his = progress[(bob.pk, a.pk)]
    assert (his.time_to_solve, his.attempts_to_solve, his.hints) == (timedelta(minutes=30), 3, 1)
    # dave is not in the course.
    assert classroom["dave"].pk not in {student for student, _ in progress}


def test_the_overview_per_exercise(classroom: Any) -> None:
    overview = course_overview(classroom["course"])
    assert overview.enrolled == 3
    # Listed exercises, and the hidden one a student of the course worked on; in order.
    assert [row.exercise.slug for row in overview.exercises] == ["add-two", "loops", "bonus"]
    a, b, bonus = overview.exercises
    assert (a.attempted, a.solved) == (2, 2)
    assert (a.graded, a.graded_passed) == (7, 3)
    assert a.pass_rate == pytest.approx(100 * 3 / 7)
    assert a.median_time_to_solve == timedelta(minutes=20)  # of 10 and 30
    assert a.median_minutes_to_solve == 20
    assert a.median_attempts_to_solve == 3.5  # of 4 and 3
    assert (a.hints, a.students_with_hints) == (3, 2)
    assert (b.attempted, b.solved, b.graded, b.graded_passed) == (3, 0, 3, 1)
    assert b.median_time_to_solve is None and b.median_attempts_to_solve is None
    assert (b.hints, b.students_with_hints) == (4, 1)
    assert (bonus.attempted, bonus.solved, bonus.pass_rate) == (1, 0, 0)


def test_an_exercise_in_detail(classroom: Any) -> None:
    report = exercise_report(classroom["course"], classroom["a"])
    assert report.failing_tests == [
        FailingTest(file="test_visible.py", name="test_neg", runs=4, students=2),
        FailingTest(file="test_visible.py", name="test_add", runs=3, students=2),
    ]
    # One count per failing run and type: the syntax error failed both tests of one run.
    assert report.error_types == [
        ErrorTypeCount("TypeError", runs=2, students=1),
        ErrorTypeCount("AssertionError", runs=1, students=1),
        ErrorTypeCount("SyntaxError", runs=1, students=1),
        ErrorTypeCount("Timeout", runs=1, students=1),
    ]
    # The failed hint and the explanation are not hints; the queued one is.
    assert report.hint_levels == [
        HintLevelCount(level=1, hints=2, students=2),
        HintLevelCount(level=2, hints=1, students=1),
    ]
    statuses = {row.student.username: row.progress.status for row in report.students}
    assert statuses == {"alice": "solved", "bob": "solved", "carol": "not started"}
    assert report.summary.solved == 2


def test_an_exercise_nobody_failed(classroom: Any) -> None:
    report = exercise_report(classroom["course"], classroom["c"])
    assert report.failing_tests == [] and report.error_types == [] and report.hint_levels == []
    assert report.summary.attempted == 0  # dave's run does not count: not in the course


@pytest.mark.parametrize(
    ("best", "hints", "penalty", "expected"),
    [
        (1.0, 0, 10, 100.0),
        (0.5, 2, 10, 30.0),
        (2 / 3, 0, 10, 66.7),
        (1.0, 20, 10, 0.0),  # never below 0
        (0.25, 3, 0, 25.0),
        (None, 3, 10, None),  # no graded Submit
    ],
)
def test_the_score_of_an_exercise(
    best: float | None, hints: int, penalty: int, expected: float | None
) -> None:
    assert exercise_score(best, hints, penalty) == expected


def test_the_gradebook(classroom: Any) -> None:
    book = gradebook(classroom["course"])
    assert [exercise.slug for exercise in book.exercises] == ["add-two", "loops", "bonus"]
    assert book.penalty_percent == 10 and book.max_total == 300
    scores = {row.student.username: [g.score for g in row.grades] for row in book.rows}
    assert scores == {
        "alice": [80.0, 50.0, None],  # 100 - 2 hints; 2 of 4 tests
        "bob": [90.0, 0.0, None],  # 100 - 1 hint; 1 of 3 tests - 4 hints, floored
        "carol": [None, None, None],  # Runs only
    }
    assert {row.student.username: row.total for row in book.rows} == {
        "alice": 130.0,
        "bob": 90.0,
        "carol": 0.0,
    }
    alice = book.rows[0]
    assert alice.grades[0].penalty == 20 and alice.grades[1].penalty == 0


def test_a_hint_asked_after_solving_takes_no_points(classroom: Any) -> None:
    """Issue 22: hints asked after solving lowered the score (95 -> 85)."""
    alice, a = classroom["alice"], classroom["a"]
    ai_request(alice, a, 11, level=3)  # after her passing Submit at minute 10
    ai_request(alice, a, 10.5, status="failed", level=3)  # failed: never counts

    mine = course_progress(classroom["course"])[(alice.pk, a.pk)]
    book = gradebook(classroom["course"])

    assert (mine.hints, mine.penalised_hints) == (3, 2)  # the budget counts it, the score not
    assert book.rows[0].grades[0].score == 80.0  # still 100 - 2 hints


def test_a_students_timeline(classroom: Any) -> None:
    report = student_report(classroom["course"], classroom["alice"])
    assert [(event.at, event.kind) for event in report.events] == [
        (at(40), "submit"),
        (at(12), "run"),
        (at(10), "submit"),
        (at(6), "run"),
        (at(5), "submit"),
        (at(4), "hint"),
        (at(3), "hint"),
        (at(2), "run"),
        (at(0), "hint"),
    ]
    ungraded = report.events[3]
    assert ungraded.status == "error" and "grader cannot run" in ungraded.message
    redacted = report.events[5]
    assert (redacted.hint_level, redacted.guard_verdict, redacted.kind_label) == (
        2,
        "redact",
        "Hint",
    )
    assert report.events[2].passed and report.events[2].message == "2 of 2 passed."
    assert [row.exercise.slug for row in report.exercises] == ["add-two", "loops"]
    assert not report.truncated


def test_the_timeline_of_one_exercise_and_its_limit(classroom: Any) -> None:
    course, bob = classroom["course"], classroom["bob"]
    only_a = student_report(course, bob, exercise=classroom["a"])
    assert {event.exercise.slug for event in only_a.events} == {"add-two"}
    assert len(only_a.events) == 5
    assert only_a.events[0].kind_label == "Explain this error"
    short = student_report(course, bob, limit=3)
    assert len(short.events) == 3 and short.truncated
    assert short.events[0].at == at(45)


def test_each_table_costs_the_queries_its_module_says(
    classroom: Any, django_assert_num_queries: Any
) -> None:
    course = classroom["course"]
    with django_assert_num_queries(5):
        course_overview(course)
    with django_assert_num_queries(6):
        exercise_report(course, classroom["a"])
    with django_assert_num_queries(6):
        student_report(course, classroom["alice"])
    with django_assert_num_queries(6):
        gradebook(course)
