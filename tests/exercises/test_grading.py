import json
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.db import connection

from exercises.models import Draft, Exercise, Submission
from exercises.selectors.submissions import redact_result_for_student
from exercises.services.drafts import save_draft
from exercises.services.grading import (
    CodeRejected,
    grade_submission,
    run_exercise_tests,
    submit_code,
)

pytestmark = pytest.mark.django_db

SOLUTION = "def add(a, b):\n    return a + b\n"
WRONG_FOR_HIDDEN = "def add(a, b):\n    if a > 1000:\n        return 0\n    return a + b\n"


def test_submission_is_saved_before_grading_and_enqueued_on_commit(
    student: User, add_two: Exercise, django_capture_on_commit_callbacks
) -> None:
    with mock.patch("exercises.tasks.grade_submission_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            submission = submit_code(student, add_two, SOLUTION, Submission.Kind.RUN)
        assert Submission.objects.get(pk=submission.pk).status == Submission.Status.QUEUED
        delay.assert_not_called()
        for callback in callbacks:
            callback()
    delay.assert_called_once_with(submission.pk)


def test_double_click_returns_the_same_submission(student: User, add_two: Exercise) -> None:
    with mock.patch("exercises.tasks.grade_submission_task.delay"):
        first = submit_code(student, add_two, SOLUTION, Submission.Kind.RUN)
        second = submit_code(student, add_two, SOLUTION, Submission.Kind.RUN)
        other_kind = submit_code(student, add_two, SOLUTION, Submission.Kind.SUBMIT)
    assert first.pk == second.pk
    assert other_kind.pk != first.pk


def test_oversized_code_is_rejected_with_a_message(student: User, add_two: Exercise) -> None:
    with pytest.raises(CodeRejected, match="KiB"):
        submit_code(student, add_two, "x = 1\n" * 20000, Submission.Kind.RUN)
    assert not Submission.objects.exists()


def test_code_with_a_nul_character_is_rejected_with_a_message(
    student: User, add_two: Exercise
) -> None:
    # Python refuses it, and PostgreSQL cannot store it: say so rather than fail on saving.
    with pytest.raises(CodeRejected, match="NUL"):
        submit_code(student, add_two, "x = 1\x00\n", Submission.Kind.RUN)
    with pytest.raises(CodeRejected, match="NUL"):
        save_draft(student, add_two, "x = 1\x00\n")
    assert not Submission.objects.exists() and not Draft.objects.exists()


def test_run_grades_visible_tests_only(student: User, add_two: Exercise) -> None:
    submission = Submission.objects.create(
        student=student, exercise=add_two, code=WRONG_FOR_HIDDEN, kind=Submission.Kind.RUN
    )
    grade_submission(submission.pk)
    submission.refresh_from_db()
    assert submission.result is not None

    assert submission.status == Submission.Status.DONE
    assert submission.passed is True
    assert submission.tests_total == 2
    assert {test["file"] for test in submission.result["tests"]} == {"test_visible.py"}


def test_submit_runs_hidden_tests_and_students_never_see_their_details(
    student: User, add_two: Exercise
) -> None:
    submission = Submission.objects.create(
        student=student, exercise=add_two, code=WRONG_FOR_HIDDEN, kind=Submission.Kind.SUBMIT
    )
    grade_submission(submission.pk)
    submission.refresh_from_db()

    assert submission.result is not None
    assert submission.passed is False
    assert (submission.tests_passed, submission.tests_total) == (2, 3)
    hidden = [t for t in submission.result["tests"] if t["file"] == "test_hidden.py"]
    assert hidden[0]["outcome"] == "failed"
    assert "4142" in (hidden[0]["expected"] or "") + hidden[0]["message"]

    shown = redact_result_for_student(submission.result)
    assert shown is not None
    shown_hidden = [t for t in shown["tests"] if t.get("hidden")]
    assert shown_hidden == [
        {
            "file": "test_hidden.py",
            "name": "test_adds_secret_numbers",
            "outcome": "failed",
            "hidden": True,
        }
    ]
    assert "4141" not in str(shown)


def test_grading_twice_is_harmless(student: User, add_two: Exercise) -> None:
    submission = Submission.objects.create(
        student=student, exercise=add_two, code=SOLUTION, kind=Submission.Kind.SUBMIT
    )
    grade_submission(submission.pk)
    finished = Submission.objects.get(pk=submission.pk)
    with mock.patch("exercises.services.grading.run_exercise_tests") as run:
        grade_submission(submission.pk)
    run.assert_not_called()
    assert Submission.objects.get(pk=submission.pk).finished_at == finished.finished_at


def test_a_submission_whose_grader_kept_dying_is_marked_failed(
    student: User, add_two: Exercise
) -> None:
    submission = Submission.objects.create(
        student=student,
        exercise=add_two,
        code=SOLUTION,
        kind=Submission.Kind.RUN,
        status=Submission.Status.RUNNING,
        grading_attempts=2,
    )
    grade_submission(submission.pk)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ERROR
    assert "run your code again" in submission.error_message


def test_unavailable_sandbox_gives_a_clear_error(student: User, add_two: Exercise) -> None:
    from tutor.sandbox import SandboxUnavailable

    submission = Submission.objects.create(
        student=student, exercise=add_two, code=SOLUTION, kind=Submission.Kind.RUN
    )
    with mock.patch(
        "exercises.services.grading.run_tests",
        side_effect=SandboxUnavailable("bubblewrap is not installed"),
    ):
        grade_submission(submission.pk)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ERROR
    assert "bubblewrap is not installed" in submission.error_message


def test_run_exercise_tests_reports_the_student_line(add_two: Exercise) -> None:
    result = run_exercise_tests(add_two, "def add(a, b):\n    return a + c\n", include_hidden=False)
    assert result["passed"] is False
    assert all(test["line"] == 2 for test in result["tests"])


def test_nul_lone_surrogates_and_floods_are_graded_and_stored_within_the_cap(
    student: User, add_two: Exercise
) -> None:
    from exercises.selectors.submissions import submission_payload
    from exercises.services.results import MAX_STORED_RESULT_BYTES

    code = (
        "import sys\n"
        "print('nul:\\x00 surrogate:\\ud800 end')\n"
        "def add(a, b):\n"
        "    sys.stdout.write('x' * 8000)\n"
        "    raise ValueError('\\x00' + 'y' * 100000)\n"
    )
    submission = Submission.objects.create(
        student=student, exercise=add_two, code=code, kind=Submission.Kind.SUBMIT
    )
    grade_submission(submission.pk)
    submission.refresh_from_db()

    assert submission.status == Submission.Status.DONE and submission.result is not None
    assert submission.passed is False
    assert submission.result["stdout"].startswith("nul:\ufffd surrogate:\ufffd")
    stored = json.dumps(submission.result, ensure_ascii=False).encode()
    assert len(stored) <= MAX_STORED_RESULT_BYTES
    payload = json.dumps(submission_payload(submission, for_instructor=False))
    assert len(payload) <= MAX_STORED_RESULT_BYTES + 4096


def test_a_new_run_supersedes_the_students_queued_one(
    student: User, other_student: User, add_two: Exercise
) -> None:
    with mock.patch("exercises.tasks.grade_submission_task.delay"):
        others = submit_code(other_student, add_two, SOLUTION, Submission.Kind.RUN)
        first = submit_code(student, add_two, SOLUTION, Submission.Kind.RUN)
        second = submit_code(student, add_two, SOLUTION + "\n", Submission.Kind.SUBMIT)
        third = submit_code(student, add_two, SOLUTION + "\n\n", Submission.Kind.RUN)

    def status(submission: Submission) -> str:
        return Submission.objects.get(pk=submission.pk).status

    assert [status(s) for s in (first, second, third)] == ["error", "error", "queued"]
    assert "replaced by your newer" in Submission.objects.get(pk=first.pk).error_message
    assert status(others) == "queued"  # another student's queue is not touched
    grade_submission(second.pk)  # its task still runs, and does nothing
    assert status(second) == "error"


def test_a_result_stored_before_the_cap_still_reaches_the_page(
    student: User, add_two: Exercise
) -> None:
    from exercises.selectors.submissions import submission_payload
    from exercises.services.results import MAX_STORED_RESULT_BYTES

    test = {"file": "test_visible.py", "name": "test_x", "outcome": "failed", "stdout": "z" * 4096}
    # SQLite kept lone surrogates (PostgreSQL refused the row, so it holds none).
    message = "lone \ud800 surrogate" if connection.vendor == "sqlite" else "plain"
    legacy = {
        "status": "completed",
        "message": message,
        "stdout": "y" * 1_000_000,
        "tests": [test] * 200,
        "passed": False,
    }
    submission = Submission.objects.create(
        student=student, exercise=add_two, code=SOLUTION, kind=Submission.Kind.RUN, result=legacy
    )
    for for_instructor in (False, True):
        payload = submission_payload(submission, for_instructor=for_instructor)
        sent = json.dumps(payload, ensure_ascii=False).encode("utf-8")  # no lone surrogate left
        assert len(sent) <= MAX_STORED_RESULT_BYTES + 4096
        assert payload["result"] is not None and len(payload["result"]["tests"]) == 200


def test_evidence_is_kept_for_visible_tests_only(student: User, add_two: Exercise) -> None:
    from exercises.selectors.submissions import submission_payload

    submission = Submission.objects.create(
        student=student,
        exercise=add_two,
        code="def add(a, b):\n    return a - b\n",
        kind=Submission.Kind.SUBMIT,
    )
    grade_submission(submission.pk)
    submission.refresh_from_db()

    assert submission.result is not None
    hidden_files = set(submission.result["hidden_files"])
    visible = [t for t in submission.result["tests"] if t["file"] not in hidden_files]
    hidden = [t for t in submission.result["tests"] if t["file"] in hidden_files]
    assert visible and hidden
    assert all(t["evidence"]["lines"] == {"adder.py": [[2, 1]]} for t in visible)
    assert all(t["evidence"] is None for t in hidden)
    assert visible[0]["evidence"]["calls"][0]["args"] == ["2", "3"]
    shown = submission_payload(submission, for_instructor=False)["result"]
    assert shown is not None
    assert all("evidence" not in t for t in shown["tests"] if t.get("hidden"))


def test_evidence_goes_first_when_a_result_is_over_the_cap() -> None:
    from exercises.services.results import MAX_STORED_RESULT_BYTES, storable_result

    evidence = {"calls": [], "lines": {"adder.py": [[n, 1] for n in range(1, 2000)]}}
    test = {"file": "test_visible.py", "name": "t", "outcome": "failed", "stdout": "out" * 100}
    result = {"status": "completed", "tests": [{**test, "evidence": evidence}] * 20}
    assert len(json.dumps(result)) > MAX_STORED_RESULT_BYTES

    stored = storable_result(result)  # type: ignore[arg-type]  # a stand-in's evidence

    assert all("evidence" not in t for t in stored["tests"])
    assert all(t["stdout"] == "out" * 100 for t in stored["tests"])


def test_code_failing_only_hidden_tests_is_told_the_line_a_hidden_case_reaches(
    student: User, add_two: Exercise
) -> None:
    from tutor.grounding.summary import grounded_hint

    submission = Submission.objects.create(
        student=student, exercise=add_two, code=WRONG_FOR_HIDDEN, kind=Submission.Kind.SUBMIT
    )
    grade_submission(submission.pk)
    submission.refresh_from_db()

    assert submission.result is not None
    assert submission.result["hidden_line"] == 2  # `if a > 1000:`, which only a hidden case runs
    hidden = [t for t in submission.result["tests"] if t["file"] == "test_hidden.py"]
    assert all(t["evidence"] is None for t in hidden)  # read on the server, never stored
    shown = redact_result_for_student(submission.result)
    assert shown is not None and shown["hidden_line"] == 2
    hint = grounded_hint(shown, file="adder.py", source=WRONG_FOR_HIDDEN)
    assert hint is not None
    assert hint.startswith("Your code passes the visible tests, but a hidden test fails. Look at")
    assert "line 2 (`if a > 1000:`)" in hint
    assert "4141" not in hint and "4142" not in hint


def test_an_exercise_can_keep_the_hidden_tests_line_to_itself(
    student: User, add_two: Exercise
) -> None:
    add_two.hidden_test_hints = False
    add_two.save()

    result = run_exercise_tests(add_two, WRONG_FOR_HIDDEN, include_hidden=True)

    assert result["passed"] is False
    assert "hidden_line" not in result


def test_runs_and_submits_are_rate_limited_per_student(
    student: User, other_student: User, add_two: Exercise, settings: Any
) -> None:
    from tutor import ratelimit

    settings.SUBMISSION_RATE_LIMIT_REQUESTS, settings.SUBMISSION_RATE_LIMIT_SECONDS = 3, 60
    ratelimit.reset(student.pk)
    ratelimit.reset(other_student.pk)
    try:
        with mock.patch("exercises.services.grading._enqueue_grading"):
            for number in range(3):
                kind = Submission.Kind.RUN if number % 2 else Submission.Kind.SUBMIT
                submit_code(student, add_two, SOLUTION + "\n" * number, kind)
            # A resend of the same code (a double click) returns the same row, uncounted.
            again = submit_code(student, add_two, SOLUTION + "\n\n", Submission.Kind.SUBMIT)
            assert again.code == SOLUTION + "\n\n"
            with pytest.raises(CodeRejected, match="running your code too often") as refused:
                submit_code(student, add_two, SOLUTION + "# four\n", Submission.Kind.RUN)
            # Another student has a bucket of their own.
            submit_code(other_student, add_two, SOLUTION, Submission.Kind.RUN)
    finally:
        ratelimit.reset(student.pk)
        ratelimit.reset(other_student.pk)
    wait = refused.value.retry_after_seconds
    assert wait is not None and 0 < wait <= 60
    # The refused code was not saved.
    assert Submission.objects.filter(student=student).count() == 3


def test_what_hidden_tests_printed_never_cuts_what_the_student_sees() -> None:
    from exercises.selectors.submissions import redact_result_for_student
    from exercises.services.results import StoredResult, TestPayload, storable_result

    def stored(hidden_output: str) -> StoredResult:
        visible = TestPayload(
            file="test_visible.py", name="test_v", outcome="failed", stdout="v" * 150_000
        )
        hidden = TestPayload(
            file="test_hidden.py", name="test_h", outcome="failed", stdout=hidden_output
        )
        return storable_result(
            StoredResult(
                status="completed",
                message="",
                stdout="",
                tests=[visible, hidden],
                hidden_files=["test_hidden.py"],
                hidden_run={"stdout": hidden_output},
            )
        )

    # The student's code printed in the hidden test by the hidden input: a little, or a lot.
    quiet, loud = stored("x"), stored("x" * 250_000)
    assert redact_result_for_student(quiet) == redact_result_for_student(loud)
    assert quiet["tests"][0]["stdout"] == "v" * 150_000  # within the visible share: kept whole
    assert len(json.dumps(loud)) <= 256 * 1024
