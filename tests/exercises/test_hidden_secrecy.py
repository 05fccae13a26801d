"""Nothing a student sees depends on a hidden test's inputs: a Submit of code built to leak them
(it sleeps in proportion to its input, prints it, writes it to stderr, crashes on some of them)
shows the student exactly the same thing for two exercises whose hidden tests differ only in
their inputs and expected values, in Python and in C. Before, each hidden test's duration was
shown: a solution that slept its input's worth of milliseconds spelled every hidden input out.
"""

import json
from typing import Any

import pytest
from django.contrib.auth.models import User

from exercises.models import Exercise, Submission
from exercises.selectors.submissions import submission_payload
from exercises.services.grading import grade_submission
from tutor.assist.selectors.prompting import format_failures

# Measured while the visible tests ran: they are the same tests in both exercises, so these vary
# with the machine's load only, never with the hidden inputs.
VISIBLE_RUN_MEASUREMENTS = ("duration_ms", "memory_peak_bytes")

PYTHON_LEAKER = """\
import sys
import time


def double(n):
    time.sleep(n / 100)  # the duration spells n out
    print("input was", n)
    print("input was", n, file=sys.stderr)
    if n > 20:
        raise ValueError(f"secret {n}")
    return 2 * n
"""
PYTHON_VISIBLE = "from doubler import double\n\n\ndef test_one():\n    assert double(1) == 2\n"
PYTHON_HIDDEN = """\
from doubler import double


def test_first():
    assert double({first}) == {first_doubled}


def test_second():
    assert double({second}) == {second_doubled}
"""

C_LEAKER = """\
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void) {
    int a = 0, b = 0;
    if (scanf("%d %d", &a, &b) != 2) return 1;
    fprintf(stderr, "stdin was %d %d\\n", a, b);
    usleep(a * 10000);  /* the duration spells a out */
    if (a > 20) abort();
    printf("%d\\n", a + b);
    return 0;
}
"""
C_CASES = """\
[[case]]
name = "{name}_first"
stdin = "{a} {b}"
stdout = "{a_plus_b}"

[[case]]
name = "{name}_second"
stdin = "{c} {d}"
stdout = "{c_plus_d}"
"""


def python_exercise(slug: str, first: int, second: int) -> Exercise:
    hidden = PYTHON_HIDDEN.format(
        first=first, first_doubled=2 * first, second=second, second_doubled=2 * second
    )
    return _exercise(
        slug,
        language="python",
        module="doubler",
        visible=[{"filename": "test_visible.py", "code": PYTHON_VISIBLE}],
        hidden=[{"filename": "test_hidden.py", "code": hidden}],
    )


def c_exercise(slug: str, first: tuple[int, int], second: tuple[int, int]) -> Exercise:
    (a, b), (c, d) = first, second
    visible = C_CASES.format(name="visible", a=1, b=2, a_plus_b=3, c=2, d=2, c_plus_d=4)
    hidden = C_CASES.format(name="hidden", a=a, b=b, a_plus_b=a + b, c=c, d=d, c_plus_d=c + d)
    return _exercise(
        slug,
        language="c",
        module="solution",
        visible=[{"filename": "cases.toml", "code": visible}],
        hidden=[{"filename": "hidden_cases.toml", "code": hidden}],
    )


def _exercise(
    slug: str,
    *,
    language: str,
    module: str,
    visible: list[dict[str, str]],
    hidden: list[dict[str, str]],
) -> Exercise:
    return Exercise.objects.create(
        slug=slug,
        title=slug,
        topic="secrecy",
        difficulty="easy",
        order=1,
        language=language,
        module=module,
        statement_md="",
        starter_code="",
        solution_code="",
        visible_tests=visible,
        hidden_tests=hidden,
        source_format="native",
        content_hash=slug,
    )


def what_the_student_sees(student: User, exercise: Exercise, code: str) -> dict[str, Any]:
    """The submission as the student's socket and page receive it, and the failing tests as an
    AI prompt built for the student quotes them."""
    submission = Submission.objects.create(
        student=student, exercise=exercise, code=code, kind=Submission.Kind.SUBMIT
    )
    grade_submission(submission.pk)
    submission.refresh_from_db()
    sent = submission_payload(submission, for_instructor=False)
    result = sent["result"]
    assert result is not None
    prompt = format_failures(result)
    payload = dict(sent)
    # The two exercises' slugs and ids differ by construction.
    payload.pop("id")
    payload.pop("exercise")
    shown = json.loads(json.dumps(payload))
    for key in VISIBLE_RUN_MEASUREMENTS:
        shown["result"].pop(key, None)
    for test in shown["result"]["tests"]:
        if not test.get("hidden"):
            for key in VISIBLE_RUN_MEASUREMENTS:
                test.pop(key, None)
    return {"socket": shown, "prompt": prompt}


def decoded_inputs(seen: dict[str, Any]) -> list[int]:
    """The attack: a hidden test's time in hundredths of a second was its input."""
    tests = seen["socket"]["result"]["tests"]
    return [round(test["duration_ms"] / 10) for test in tests if "duration_ms" in test]


def assert_nothing_recovered(seen: dict[str, Any], secrets: list[int]) -> None:
    assert decoded_inputs(seen) == []
    text = json.dumps(seen)
    for secret in secrets:
        assert str(secret) not in text, secret


@pytest.mark.django_db
def test_a_python_submit_shows_the_same_whatever_the_hidden_inputs(student: User) -> None:
    seen_a = what_the_student_sees(student, python_exercise("secret-a", 3, 25), PYTHON_LEAKER)
    seen_b = what_the_student_sees(student, python_exercise("secret-b", 9, 31), PYTHON_LEAKER)

    assert_nothing_recovered(seen_a, [25, 50, 31, 62])
    assert seen_a == seen_b
    outcomes = [(t["name"], t["outcome"]) for t in seen_a["socket"]["result"]["tests"]]
    # The pattern of verdicts is all that shows: the second hidden test raised (an error before),
    # and shows as failed.
    assert outcomes == [("test_one", "passed"), ("test_first", "passed"), ("test_second", "failed")]
    hidden = [test for test in seen_a["socket"]["result"]["tests"] if test.get("hidden")]
    assert all(set(test) == {"file", "name", "outcome", "hidden"} for test in hidden)


@pytest.mark.django_db
def test_a_c_submit_shows_the_same_whatever_the_hidden_stdin(student: User) -> None:
    seen_a = what_the_student_sees(student, c_exercise("c-secret-a", (7, 4), (25, 3)), C_LEAKER)
    seen_b = what_the_student_sees(student, c_exercise("c-secret-b", (9, 5), (33, 8)), C_LEAKER)

    assert_nothing_recovered(seen_a, [7, 25, 28, 33, 41])
    assert seen_a == seen_b
    outcomes = [(t["name"], t["outcome"]) for t in seen_a["socket"]["result"]["tests"]]
    assert outcomes == [
        ("visible_first", "passed"),
        ("visible_second", "passed"),
        ("hidden_first", "passed"),
        ("hidden_second", "failed"),
    ]


@pytest.mark.django_db
def test_instructors_still_see_the_hidden_tests_in_full(student: User, instructor: User) -> None:
    exercise = python_exercise("secret-c", 3, 25)
    submission = Submission.objects.create(
        student=student, exercise=exercise, code=PYTHON_LEAKER, kind=Submission.Kind.SUBMIT
    )
    grade_submission(submission.pk)
    submission.refresh_from_db()
    result = submission_payload(submission, for_instructor=True)["result"]
    assert result is not None
    second = next(test for test in result["tests"] if test["name"] == "test_second")
    assert second["outcome"] == "error"
    assert "secret 25" in second.get("traceback", "") + second.get("message", "")
    assert second.get("duration_ms", 0) >= 250
    assert "hidden_run" in result
