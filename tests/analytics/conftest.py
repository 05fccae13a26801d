"""A small hand-made class whose every analytics figure is worked out in the tests by hand.

Times are minutes after T0. Exercise A is add-two (tests test_add and test_neg), B is "loops".

alice on A: hint L1 @0; run @2 fails (test_add AssertionError, test_neg TypeError); hint @3
  failed (not counted); hint L2 @4; submit @5 fails (test_neg TypeError); run @6 the grader could
  not finish; submit @10 passes; run @12 passes.
  -> solved in 10 min (from the hint), 4 attempts, 2 hints.
bob on A: run @0 syntax error (both tests); submit @20 stopped by the time limit (both tests);
  hint L1 @25 still queued (counted); submit @30 passes; explain_error @31 (not a hint).
  -> solved in 30 min, 3 attempts, 1 hint.
alice on B: submit @40, 2 of 4 tests pass.
bob on B: submit @41, 1 of 3 tests pass; 4 hints.
carol on B: a passing Run @50, never a Submit; on the hidden exercise "bonus", a failing Run @55.
dave, not in the course, works on A and on the hidden exercise "secret".
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from exercises.models import Exercise, Submission
from tests.conftest import enrol_since_term_start
from tutor.assist.models import AiRequest
from tutor.courses.models import Course

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

TYPE_ERROR_TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "test_visible.py", line 9, in test_neg\n'
    "    self.assertEqual(add(-1, -1), -2)\n"
    '  File "adder.py", line 2, in add\n'
    '    return a + "b"\n'
    "TypeError: unsupported operand type(s) for +: 'int' and 'str'"
)
ASSERTION_TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "test_visible.py", line 5, in test_add\n'
    "    self.assertEqual(add(1, 2), 3)\n"
    "AssertionError: 0 != 3"
)
SYNTAX_TRACEBACK = (
    "  File \"adder.py\", line 1\n    def add(a, b)\n                 ^\nSyntaxError: expected ':'"
)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def result_of(name: str, outcome: str = "passed", message: str = "", traceback: str = "") -> Any:
    return {
        "file": "test_visible.py",
        "name": name,
        "outcome": outcome,
        "message": message,
        "traceback": traceback,
        "stdout": "",
        "stderr": "",
    }


def submission(
    student: User,
    exercise: Exercise,
    kind: str,
    minutes: float,
    tests: list[dict[str, Any]] | None = None,
    *,
    run_status: str = "completed",
    graded: bool = True,
) -> Submission:
    """A graded Run or Submit with these test results (none: the grader could not run it)."""
    tests = tests or []
    passed = graded and run_status == "completed" and all(t["outcome"] == "passed" for t in tests)
    row = Submission.objects.create(
        student=student,
        exercise=exercise,
        kind=kind,
        code="def add(a, b):\n    return a + b\n",
        status="done" if graded else "error",
        error_message="" if graded else "The grader cannot run code on this server: bwrap",
        result={
            "status": run_status,
            "tests": tests,
            "message": f"{sum(t['outcome'] == 'passed' for t in tests)} of {len(tests)} passed.",
            "stdout": "",
            "passed": passed,
        }
        if graded
        else None,
        passed=passed if graded else None,
        tests_passed=sum(1 for t in tests if t["outcome"] == "passed"),
        tests_total=len(tests),
        finished_at=at(minutes),
    )
    Submission.objects.filter(pk=row.pk).update(created_at=at(minutes))
    return row


def ai_request(
    student: User,
    exercise: Exercise,
    minutes: float,
    *,
    kind: str = "hint",
    status: str = "done",
    level: int | None = 1,
    verdict: str = "allow",
) -> AiRequest:
    row = AiRequest.objects.create(
        student=student,
        exercise=exercise,
        kind=kind,
        status=status,
        hint_level=level if kind == "hint" else None,
        guard_verdict=verdict,
    )
    AiRequest.objects.filter(pk=row.pk).update(created_at=at(minutes))
    return row


def make_exercise(slug: str, order: int, *, hidden: bool = False) -> Exercise:
    return Exercise.objects.create(
        slug=slug,
        title=slug.replace("-", " ").title(),
        topic="Loops",
        difficulty="easy",
        order=order,
        module=slug.replace("-", "_"),
        statement_md="Do it.",
        starter_code="",
        solution_code="",
        source_format="native",
        content_hash=slug,
        is_hidden=hidden,
    )


@pytest.fixture
def classroom(course: Course, student: User, other_student: User, add_two: Exercise) -> Any:
    """The class of the module's docstring; the course's hint penalty is 10 points."""
    users = get_user_model().objects
    alice, bob = student, other_student
    carol = users.create_user("carol", first_name='=HYPERLINK("http://evil")', last_name="C")
    dave = users.create_user("dave")
    for pupil in (bob, carol):
        enrol_since_term_start(course, pupil)
    course.hint_penalty_percent = 10
    course.save(update_fields=["hint_penalty_percent"])
    a, b = add_two, make_exercise("loops", 20)
    c = make_exercise("secret", 30, hidden=True)
    bonus = make_exercise("bonus", 35, hidden=True)
    make_exercise("unused-hidden", 40, hidden=True)

    ok = [result_of("test_add"), result_of("test_neg")]
    ai_request(alice, a, 0, level=1)
    submission(
        alice,
        a,
        "run",
        2,
        [
            result_of("test_add", "failed", "AssertionError: 0 != 3", ASSERTION_TRACEBACK),
            result_of("test_neg", "error", "TypeError: unsupported", TYPE_ERROR_TRACEBACK),
        ],
    )
    ai_request(alice, a, 3, status="failed", level=2)
    ai_request(alice, a, 4, level=2, verdict="redact")
    submission(
        alice,
        a,
        "submit",
        5,
        [
            result_of("test_add"),
            result_of("test_neg", "error", "TypeError: unsupported", TYPE_ERROR_TRACEBACK),
        ],
    )
    submission(alice, a, "run", 6, graded=False)
    submission(alice, a, "submit", 10, ok)
    submission(alice, a, "run", 12, ok)

    syntax = "adder.py has a syntax error on line 1: expected ':'"
    submission(
        bob,
        a,
        "run",
        0,
        [
            result_of("test_add", "error", syntax, SYNTAX_TRACEBACK),
            result_of("test_neg", "error", syntax, SYNTAX_TRACEBACK),
        ],
        run_status="syntax_error",
    )
    submission(
        bob,
        a,
        "submit",
        20,
        [
            result_of("test_add", "error", "stopped: the program ran past the 3 s time limit"),
            result_of("test_neg", "error", "not run: the program ran past the 3 s time limit"),
        ],
        run_status="timeout",
    )
    ai_request(bob, a, 25, status="queued", level=1)
    submission(bob, a, "submit", 30, ok)
    ai_request(bob, a, 31, kind="explain_error")

    def tests_passing(passing: int, total: int) -> list[dict[str, Any]]:
        return [
            result_of(f"test_{n}", "passed" if n < passing else "failed", "AssertionError")
            for n in range(total)
        ]

    submission(alice, b, "submit", 40, tests_passing(2, 4))
    submission(bob, b, "submit", 41, tests_passing(1, 3))
    for minute in range(4):
        ai_request(bob, b, 42 + minute, level=minute + 1)
    submission(carol, b, "run", 50, ok)
    submission(carol, bonus, "run", 55, [result_of("test_bonus", "failed", "AssertionError")])

    submission(dave, a, "submit", 1, ok)
    submission(dave, c, "run", 1, ok)
    ai_request(dave, a, 2)
    return {
        "course": course,
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "dave": dave,
        "a": a,
        "b": b,
        "c": c,
        "bonus": bonus,
    }
