"""Resolving the AI policy in force, and request_help enforcing it (no socket here)."""

from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from exercises.models import Exercise
from tutor.assist.models import AiRequest
from tutor.assist.services.requests import HelpRefused, next_hint_level, request_help
from tutor.courses.models import JOIN_CODE_ALPHABET, AiMode, Course
from tutor.courses.policy import EXAM_REASON, effective_ai_policy
from tutor.courses.services import (
    CourseError,
    create_course,
    enrol,
    join_by_code,
    set_course_policy,
    set_exam_mode,
    set_exercise_policy,
)

pytestmark = pytest.mark.django_db(transaction=True)

ALL_KINDS = {kind.value for kind in AiRequest.Kind}
Kind = AiRequest.Kind


def ask(student: User, exercise: Exercise, kind: str) -> AiRequest:
    with mock.patch("tutor.assist.services.lifecycle.enqueue_generation"):
        return request_help(student, exercise, AiRequest.Kind(kind), {"code": "x = 1\n"})


def test_a_student_in_no_course_gets_everything_unlimited(student: User, add_two: Exercise) -> None:
    policy = effective_ai_policy(student, add_two)
    assert policy.kinds == ALL_KINDS
    assert policy.inline_completion and policy.enabled
    assert policy.hints_left is None and policy.reason == ""


@pytest.mark.parametrize(
    ("mode", "kinds"),
    [
        (AiMode.OFF, set()),
        (AiMode.HINTS, {"hint"}),
        (AiMode.EXPLAIN, {"hint", "explain_error", "explain_code", "ask"}),
        (AiMode.ALL, ALL_KINDS),
    ],
)
def test_each_mode_allows_its_kinds(
    course: Course, student: User, add_two: Exercise, mode: str, kinds: set[str]
) -> None:
    set_course_policy(course, ai_mode=mode)
    policy = effective_ai_policy(student, add_two)
    assert policy.kinds == kinds
    assert policy.enabled == bool(kinds)
    assert policy.inline_completion == ("complete" in kinds)
    assert (policy.reason == "") == (mode == AiMode.ALL)


def test_inline_completion_can_be_turned_off_alone(
    course: Course, student: User, add_two: Exercise
) -> None:
    set_course_policy(course, inline_completion=False)
    policy = effective_ai_policy(student, add_two)
    assert policy.kinds == ALL_KINDS - {"complete"}
    assert not policy.inline_completion
    assert "completion" in policy.reason


def test_the_most_restrictive_course_wins(
    course: Course, instructor: User, student: User, add_two: Exercise
) -> None:
    other = create_course("Algorithms", "algorithms", instructors=[instructor])
    enrol(other, student)
    set_course_policy(course, ai_mode=AiMode.EXPLAIN, hint_budget=5)
    set_course_policy(other, ai_mode=AiMode.ALL, hint_budget=2, inline_completion=False)
    policy = effective_ai_policy(student, add_two)
    assert policy.kinds == {"hint", "explain_error", "explain_code", "ask"}
    assert policy.hints_left == 2

    set_course_policy(other, ai_mode=AiMode.HINTS)
    assert effective_ai_policy(student, add_two).kinds == {"hint"}


def test_exam_mode_in_any_course_turns_everything_off(
    course: Course, instructor: User, student: User, add_two: Exercise
) -> None:
    other = create_course("Algorithms", "algorithms", instructors=[instructor])
    enrol(other, student)
    set_exam_mode(other, True)
    policy = effective_ai_policy(student, add_two)
    assert policy.kinds == frozenset() and not policy.enabled
    assert not policy.inline_completion
    assert policy.reason == EXAM_REASON

    set_exam_mode(other, False)
    assert effective_ai_policy(student, add_two).kinds == ALL_KINDS


def test_an_exercise_policy_overrides_the_course_on_that_exercise_only(
    course: Course, student: User, add_two: Exercise, exercism_exercises: dict[str, Exercise]
) -> None:
    other_exercise = exercism_exercises["two-fer"]
    set_course_policy(course, ai_mode=AiMode.ALL, hint_budget=3)
    set_exercise_policy(course, add_two, ai_mode=AiMode.HINTS, hint_budget=1)

    assert effective_ai_policy(student, add_two).kinds == {"hint"}
    assert effective_ai_policy(student, add_two).hints_left == 1
    assert effective_ai_policy(student, other_exercise).kinds == ALL_KINDS
    assert effective_ai_policy(student, other_exercise).hints_left == 3

    # Overriding only the mode keeps the course's budget; removing the override restores all.
    set_exercise_policy(course, add_two, ai_mode=AiMode.EXPLAIN)
    assert effective_ai_policy(student, add_two).hints_left == 3
    set_exercise_policy(course, add_two)
    assert effective_ai_policy(student, add_two).kinds == ALL_KINDS


def test_the_budget_counts_hints_given_running_or_waiting(
    course: Course, student: User, other_student: User, add_two: Exercise
) -> None:
    set_course_policy(course, hint_budget=4)
    create = AiRequest.objects.create
    for status in ("done", "running", "failed", "cancelled"):
        create(student=student, exercise=add_two, kind="hint", status=status)
    create(student=student, exercise=add_two, kind="explain_code", status="done")
    create(student=other_student, exercise=add_two, kind="hint", status="done")
    assert effective_ai_policy(student, add_two).hints_left == 2

    create(student=student, exercise=add_two, kind="hint", status="queued")
    create(student=student, exercise=add_two, kind="hint", status="done")
    create(student=student, exercise=add_two, kind="hint", status="done")
    # Never below zero, even if the budget was lowered after hints were given.
    assert effective_ai_policy(student, add_two).hints_left == 0


def test_a_cancelled_hint_counts_when_its_text_reached_the_student_a_failed_one_never(
    course: Course, student: User, add_two: Exercise
) -> None:
    set_course_policy(course, hint_budget=3)
    create = AiRequest.objects.create
    # Stopped before any text: nothing received, nothing charged.
    create(student=student, exercise=add_two, kind="hint", status="cancelled", reply="")
    create(student=student, exercise=add_two, kind="hint", status="failed", reply="")
    assert effective_ai_policy(student, add_two).hints_left == 3
    # Stopped after some text was streamed: the student has it.
    create(student=student, exercise=add_two, kind="hint", status="cancelled", reply="Think ab")
    assert effective_ai_policy(student, add_two).hints_left == 2
    # Failed after some text: the tutor failed the student, who is not charged for it.
    create(student=student, exercise=add_two, kind="hint", status="failed", reply="Look at")
    assert effective_ai_policy(student, add_two).hints_left == 2


def test_a_failed_hint_never_consumes_a_level(
    course: Course, student: User, add_two: Exercise
) -> None:
    create = AiRequest.objects.create
    create(
        student=student,
        exercise=add_two,
        kind="hint",
        status="failed",
        reply="Look at",
        hint_level=1,
    )
    create(student=student, exercise=add_two, kind="hint", status="failed", reply="", hint_level=1)
    assert next_hint_level(student, add_two) == 1
    create(
        student=student, exercise=add_two, kind="hint", status="done", reply="Hint", hint_level=1
    )
    assert next_hint_level(student, add_two) == 2


def test_request_help_refuses_a_kind_the_policy_does_not_allow(
    course: Course, student: User, add_two: Exercise
) -> None:
    set_course_policy(course, ai_mode=AiMode.HINTS)
    with pytest.raises(HelpRefused, match="Only hints"):
        ask(student, add_two, "review")
    assert not AiRequest.objects.exists()
    assert ask(student, add_two, "hint").kind == "hint"


def test_request_help_refuses_a_hint_when_the_budget_is_spent(
    course: Course, student: User, add_two: Exercise
) -> None:
    set_course_policy(course, hint_budget=2)
    ask(student, add_two, "hint")
    ask(student, add_two, "hint")
    with pytest.raises(HelpRefused, match="used all your AI hints"):
        ask(student, add_two, "hint")
    assert AiRequest.objects.filter(kind="hint").count() == 2
    # Other kinds are not hints: they go on.
    ask(student, add_two, "explain_code")


@override_settings(LLM_RATE_LIMIT_REQUESTS=3, LLM_RATE_LIMIT_SECONDS=60)
def test_request_help_rate_limits_each_student(
    student: User, other_student: User, add_two: Exercise
) -> None:
    for _ in range(3):
        ask(student, add_two, "ask")
    with pytest.raises(HelpRefused) as refused:
        ask(student, add_two, "review")
    assert refused.value.retry_after_seconds is not None
    assert 0 < refused.value.retry_after_seconds <= 60
    assert AiRequest.objects.filter(student=student).count() == 3
    # Another student and inline completions have buckets of their own.
    ask(other_student, add_two, "ask")
    ask(student, add_two, "complete")


@override_settings(
    LLM_RATE_LIMIT_REQUESTS=1,
    LLM_RATE_LIMIT_SECONDS=0.5,
    LLM_COMPLETION_RATE_LIMIT_REQUESTS=2,
    LLM_COMPLETION_RATE_LIMIT_SECONDS=60,
)
def test_the_rate_limit_window_slides(student: User, add_two: Exercise) -> None:
    import time

    ask(student, add_two, "ask")
    with pytest.raises(HelpRefused):
        ask(student, add_two, "ask")
    time.sleep(0.6)
    ask(student, add_two, "ask")
    ask(student, add_two, "complete")
    ask(student, add_two, "complete")
    with pytest.raises(HelpRefused):
        ask(student, add_two, "complete")


def test_students_join_with_a_code_typed_loosely(student: User, instructor: User) -> None:
    course = create_course("Python 1", "python-1", instructors=[instructor])
    assert len(course.join_code) == 8 and set(course.join_code) <= set(JOIN_CODE_ALPHABET)
    typed = f" {course.join_code[:4].lower()}-{course.join_code[4:].lower()} "
    assert join_by_code(student, typed) == course
    assert join_by_code(student, course.join_code) == course  # twice is fine
    assert course.enrollments.count() == 1
    with pytest.raises(CourseError, match="No course"):
        join_by_code(student, "NOPE2345")
    with pytest.raises(CourseError, match="exists already"):
        create_course("Again", "python-1")
    with pytest.raises(CourseError, match="percentage"):
        create_course("Bad", "bad", hint_penalty_percent=101)
