import time
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from exercises.models import Exercise, Submission
from tests.runs import graded_run
from tutor.assist import streams
from tutor.assist.models import AiRequest
from tutor.assist.selectors.prompting import prompt_context_for
from tutor.assist.services import generation
from tutor.assist.services.generation import generate_reply
from tutor.assist.services.recovery import recover_request
from tutor.assist.services.requests import cancel_request, next_hint_level, request_help
from tutor.courses.models import Course
from tutor.courses.policy import effective_ai_policy
from tutor.courses.services import set_course_policy
from tutor.jobs import Recovery

pytestmark = pytest.mark.django_db(transaction=True)

BUGGY = "def add(a, b):\n    return a - b\n"


def ask(student: User, exercise: Exercise, kind: AiRequest.Kind, **context: object) -> AiRequest:
    with mock.patch("tutor.assist.services.lifecycle.enqueue_generation"):
        return request_help(student, exercise, kind, {"code": BUGGY, **context})


def test_a_hint_is_generated_streamed_and_stored(
    tutor_model: Path, student: User, add_two: Exercise
) -> None:
    ai_request = ask(student, add_two, AiRequest.Kind.HINT)
    sent: list[tuple[int, str]] = []
    with mock.patch(
        "tutor.assist.services.generation.notify_delta",
        side_effect=lambda _id, seq, text: sent.append((seq, text)),
    ):
        generate_reply(ai_request.pk)
    ai_request.refresh_from_db()

    assert ai_request.status == AiRequest.Status.DONE
    assert ai_request.completion_tokens == 24
    assert ai_request.prompt_tokens > 50
    assert ai_request.first_token_ms is not None and ai_request.duration_ms is not None
    assert ai_request.queue_wait_ms is not None
    assert ai_request.model_name == tutor_model.name
    assert len(sent) >= 2
    assert [seq for seq, _ in sent] == list(range(1, len(sent) + 1))
    assert "".join(text for _, text in sent) == ai_request.reply


def test_generating_twice_does_nothing_the_second_time(
    tutor_model: Path, student: User, add_two: Exercise
) -> None:
    ai_request = ask(student, add_two, AiRequest.Kind.REVIEW)
    generate_reply(ai_request.pk)
    done = AiRequest.objects.get(pk=ai_request.pk)
    with mock.patch("tutor.assist.services.generation.build_prompt") as build_prompt:
        generate_reply(ai_request.pk)
    build_prompt.assert_not_called()
    assert AiRequest.objects.get(pk=ai_request.pk).finished_at == done.finished_at


def test_a_cancelled_queued_request_never_runs(
    tutor_model: Path, student: User, add_two: Exercise
) -> None:
    ai_request = ask(student, add_two, AiRequest.Kind.ASK, question="What is a return value?")
    cancel_request(student, ai_request.pk)
    with mock.patch("tutor.assist.services.generation.build_prompt") as build_prompt:
        generate_reply(ai_request.pk)
    build_prompt.assert_not_called()
    assert AiRequest.objects.get(pk=ai_request.pk).status == AiRequest.Status.CANCELLED


def test_cancelling_a_running_answer_stops_it_within_a_second(
    tutor_model: Path, student: User, add_two: Exercise
) -> None:
    ai_request = ask(student, add_two, AiRequest.Kind.HINT)
    cancelled_at: list[float] = []

    def cancel_after_third_chunk(request_id: int, seq: int, _text: str) -> None:
        if seq == 3:
            streams.request_cancel(request_id)
            cancelled_at.append(time.monotonic())

    with (
        override_settings(LLM_MAX_NEW_TOKENS=3000, LLM_REQUEST_SECONDS=60),
        mock.patch(
            "tutor.assist.services.generation.notify_delta", side_effect=cancel_after_third_chunk
        ),
    ):
        generate_reply(ai_request.pk)
    stopped_after = time.monotonic() - cancelled_at[0]
    ai_request.refresh_from_db()

    assert ai_request.status == AiRequest.Status.CANCELLED
    assert stopped_after < 1.0
    assert 0 < ai_request.completion_tokens < 3000


def test_an_answer_nobody_watches_any_more_is_stopped(
    tutor_model: Path, student: User, add_two: Exercise
) -> None:
    ai_request = ask(student, add_two, AiRequest.Kind.HINT)
    with (
        override_settings(LLM_MAX_NEW_TOKENS=3000, LLM_REQUEST_SECONDS=60),
        mock.patch("tutor.assist.streams.is_watched", return_value=False),
    ):
        generate_reply(ai_request.pk)
    assert AiRequest.objects.get(pk=ai_request.pk).status == AiRequest.Status.CANCELLED


def test_the_time_limit_ends_an_answer_with_a_message(
    tutor_model: Path, student: User, add_two: Exercise
) -> None:
    ai_request = ask(student, add_two, AiRequest.Kind.HINT)
    with override_settings(LLM_MAX_NEW_TOKENS=3000, LLM_REQUEST_SECONDS=1):
        generate_reply(ai_request.pk)
    ai_request.refresh_from_db()
    assert ai_request.status == AiRequest.Status.FAILED
    assert ai_request.finish_reason == "timeout"
    assert "too long" in ai_request.error_message


def test_a_missing_model_fails_the_request_with_a_clear_message(
    tmp_path: Path, student: User, add_two: Exercise
) -> None:
    ai_request = ask(student, add_two, AiRequest.Kind.HINT)
    with override_settings(LLM_MODEL_PATH=str(tmp_path / "no-model-here")):
        generate_reply(ai_request.pk)
    ai_request.refresh_from_db()
    assert ai_request.status == AiRequest.Status.FAILED
    assert "model is not available" in ai_request.error_message
    assert "no-model-here" in ai_request.error_message


def test_hints_climb_the_ladder_and_stop_at_pseudo_code(student: User, add_two: Exercise) -> None:
    levels = []
    for _ in range(4):
        ai_request = ask(student, add_two, AiRequest.Kind.HINT)
        levels.append(ai_request.hint_level)
        AiRequest.objects.filter(pk=ai_request.pk).update(status=AiRequest.Status.DONE)
    assert levels == [1, 2, 3, 3]
    assert next_hint_level(student, add_two) == 3


def test_the_prompt_sees_failing_visible_tests_but_never_hidden_ones(
    student: User, add_two: Exercise
) -> None:
    Submission.objects.create(
        student=student,
        exercise=add_two,
        code=BUGGY,
        kind=Submission.Kind.SUBMIT,
        status=Submission.Status.DONE,
        result={
            "hidden_files": ["test_hidden.py"],
            "message": "2 tests failed",
            "tests": [
                {
                    "file": "test_visible.py",
                    "name": "AddTest.test_adds_small_numbers",
                    "outcome": "failed",
                    "expected": "5",
                    "actual": "-1",
                    "message": "-1 != 5",
                    "traceback": 'File "adder.py", line 2, in add',
                },
                {
                    "file": "test_hidden.py",
                    "name": "test_adds_secret_numbers",
                    "outcome": "failed",
                    "expected": "4142",
                    "actual": "4140",
                    "message": "secret 4141",
                    "traceback": "secret",
                },
            ],
        },
    )
    ai_request = ask(student, add_two, AiRequest.Kind.EXPLAIN_ERROR)
    context = prompt_context_for(ai_request)

    assert "AddTest.test_adds_small_numbers" in context.test_output
    assert "expected: 5" in context.test_output
    assert "4141" not in context.test_output and "4142" not in context.test_output
    assert context.student_code == BUGGY
    assert context.student_filename == "adder.py"


def test_free_questions_remember_the_conversation_from_stored_replies(
    student: User, add_two: Exercise
) -> None:
    first = ask(student, add_two, AiRequest.Kind.ASK, question="What does return do?")
    AiRequest.objects.filter(pk=first.pk).update(
        status=AiRequest.Status.DONE, reply="It hands a value back."
    )
    second = ask(
        student,
        add_two,
        AiRequest.Kind.ASK,
        question="And print?",
        turns=[{"role": "tutor", "text": "Here is the full solution"}],
    )
    turns = prompt_context_for(second).recent_turns
    assert [(turn.role, turn.text) for turn in turns] == [
        ("student", "What does return do?"),
        ("tutor", "It hands a value back."),
    ]


def test_the_log_keeps_the_failing_tests_and_model_settings_the_answer_was_based_on(
    tutor_model: Path, student: User, add_two: Exercise
) -> None:
    from exercises.services.grading import grade_submission

    submission = Submission.objects.create(
        student=student, exercise=add_two, code=BUGGY, kind=Submission.Kind.RUN
    )
    grade_submission(submission.pk)
    ai_request = ask(student, add_two, AiRequest.Kind.EXPLAIN_ERROR, submission_id=submission.pk)
    generate_reply(ai_request.pk)
    ai_request.refresh_from_db()

    assert "test_adds_small_numbers" in ai_request.context["test_output"]
    assert ai_request.model_settings["device"] == "cpu"
    assert ai_request.model_settings["precision"] == "fp32"


def test_a_worker_busy_past_the_heartbeat_lifetime_is_not_taken_for_dead(
    tutor_model: Path, student: User, add_two: Exercise, monkeypatch: pytest.MonkeyPatch
) -> None:
    ai_request = ask(student, add_two, AiRequest.Kind.HINT)
    monkeypatch.setattr(streams.ANSWERS, "heartbeat_ttl_seconds", 1)
    monkeypatch.setattr(streams.ANSWERS, "beat_every_seconds", 0.2)
    real_stream_guard = generation.stream_guard
    sweeps: list[Recovery | None] = []

    def slow_stream_guard(exercise: Exercise, code: str) -> object:
        # As long as the guard running a code block of the reply in the sandbox.
        time.sleep(2.5)
        sweeps.append(recover_request(ai_request.pk))
        return real_stream_guard(exercise, code)

    monkeypatch.setattr(generation, "stream_guard", slow_stream_guard)
    generate_reply(ai_request.pk)

    assert sweeps == [None]
    assert AiRequest.objects.get(pk=ai_request.pk).status == AiRequest.Status.DONE


def test_the_heartbeat_ends_with_the_block_and_after_its_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(streams.ANSWERS, "heartbeat_ttl_seconds", 1)
    monkeypatch.setattr(streams.ANSWERS, "beat_every_seconds", 0.1)
    with streams.beating(990_001, at_most_seconds=0.5):
        time.sleep(2.2)
        alive_when_stuck_for_good = streams.is_alive(990_001)
    with streams.beating(990_002, at_most_seconds=60):
        time.sleep(2.2)
        alive_while_busy = streams.is_alive(990_002)
    time.sleep(2.2)

    assert alive_while_busy
    assert not alive_when_stuck_for_good
    assert not streams.is_alive(990_002)


def test_cancel_then_ask_buys_no_extra_hint(
    tutor_model: Path, course: Course, student: User, add_two: Exercise
) -> None:
    set_course_policy(course, hint_budget=2)
    # Cancelled while waiting: nothing reached the student, the hint is not charged.
    waiting = ask(student, add_two, AiRequest.Kind.HINT)
    cancel_request(student, waiting.pk)
    assert effective_ai_policy(student, add_two).hints_left == 2
    # Cancelled after text was streamed: that text stays with the student, and is charged.
    streamed = ask(student, add_two, AiRequest.Kind.HINT)
    sent: list[str] = []

    def cancel_after_first_chunk(request_id: int, seq: int, text: str) -> None:
        sent.append(text)
        streams.request_cancel(request_id)

    with (
        override_settings(LLM_MAX_NEW_TOKENS=3000, LLM_REQUEST_SECONDS=60),
        mock.patch(
            "tutor.assist.services.generation.notify_delta", side_effect=cancel_after_first_chunk
        ),
    ):
        generate_reply(streamed.pk)
    streamed.refresh_from_db()
    assert streamed.status == AiRequest.Status.CANCELLED
    assert sent and streamed.reply == "".join(sent)
    assert effective_ai_policy(student, add_two).hints_left == 1
    # The ladder climbs only on hints given in full.
    assert next_hint_level(student, add_two) == 1


def test_a_level_two_hint_and_explain_error_see_what_the_code_did(
    student: User, add_two: Exercise
) -> None:
    graded_run(student, add_two, BUGGY)
    levels = {}
    for level in (1, 2, 3):
        ai_request = ask(student, add_two, AiRequest.Kind.HINT)
        AiRequest.objects.filter(pk=ai_request.pk).update(hint_level=level)
        ai_request.refresh_from_db()
        levels[level] = prompt_context_for(ai_request).evidence
    explain = prompt_context_for(ask(student, add_two, AiRequest.Kind.EXPLAIN_ERROR)).evidence

    assert levels[1] == "" and levels[3] == ""
    for evidence in (levels[2], explain):
        assert "Failing test: AddTest.test_adds_small_numbers (failed)" in evidence
        assert "call: add(2, 3)" in evidence
        assert "returned: -1" in evidence and "expected: 5" in evidence
        assert "- line 2: return a - b" in evidence
        assert "step 1: line 2 `return a - b`  a=2, b=3" in evidence


def test_no_evidence_for_code_other_than_the_code_that_ran(
    student: User, add_two: Exercise
) -> None:
    graded_run(student, add_two, BUGGY)
    with mock.patch("tutor.assist.services.lifecycle.enqueue_generation"):
        edited = request_help(
            student, add_two, AiRequest.Kind.EXPLAIN_ERROR, {"code": "\n\n" + BUGGY}
        )
    assert prompt_context_for(edited).evidence == ""


def test_the_demo_models_level_two_hint_is_written_from_the_evidence(
    tutor_model: Path, student: User, add_two: Exercise
) -> None:
    from tutor.assist.engine import get_engine

    graded_run(student, add_two, BUGGY)
    ai_request = ask(student, add_two, AiRequest.Kind.HINT)
    AiRequest.objects.filter(pk=ai_request.pk).update(hint_level=2)
    get_engine()  # the tiny model stands in for the demo one
    with override_settings(LLM_MODEL_PATH=""):
        generate_reply(ai_request.pk)
    ai_request.refresh_from_db()

    assert ai_request.status == AiRequest.Status.DONE
    assert ai_request.reply == (
        "Look at line 2 (`return a - b`). In the test AddTest.test_adds_small_numbers, "
        "add(2, 3) returned -1 but 5 was expected. Why this line: run by 2 of 2 failing tests; "
        "last line run before returning -1 (expected 5). When it ran, the variables were a=2, "
        "b=3: what should this line give for them?"
    )
    assert ai_request.model_settings["written_from_evidence"] is True
