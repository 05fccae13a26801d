"""The llm worker's path with LABTUTOR_MODEL_BACKEND=openai: a real model server (llama-cpp-
python's, on the embedded GGUF) answers through the guard, cancel and a dead server included."""

import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from exercises.models import Exercise
from tests.model_server import model_server, smollm2_path
from tutor.assist import streams
from tutor.assist.answer_speed import AnswerSpeed, publish_answer_speed, read_answer_speed
from tutor.assist.calibration import calibrate, publish_speed
from tutor.assist.engine import get_engine, reset_engine
from tutor.assist.models import AiRequest
from tutor.assist.services.generation import generate_reply
from tutor.assist.services.requests import request_help

pytestmark = pytest.mark.django_db(transaction=True)

BUGGY = "def add(a, b):\n    return a - b\n"
LONG_ANSWER_QUESTION = (
    "Can you show me ten different test cases for add, one per line, each explained?"
)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, object]]:
    """The site's model is on a server; the guard is on, as in a lab."""
    with model_server(smollm2_path(tmp_path)) as (url, process):
        reset_engine()
        with override_settings(
            LLM_BACKEND="openai",
            LLM_SERVER_URL=url,
            LLM_MODEL_PATH="smollm2-on-a-server",
            LLM_MAX_NEW_TOKENS=48,
            GUARD_ENABLED=True,
        ):
            yield url, process
        reset_engine()


@pytest.fixture(autouse=True)
def page_kept_open() -> Iterator[None]:
    """No socket here renews the answer's "watched" mark (10 s): on a loaded machine the answer
    would be cancelled as abandoned before it finished."""
    with mock.patch("tutor.assist.streams.is_watched", return_value=True):
        yield


def ask(student: User, exercise: Exercise, question: str | None = None) -> AiRequest:
    kind = AiRequest.Kind.HINT if question is None else AiRequest.Kind.ASK
    context = {"code": BUGGY} if question is None else {"code": BUGGY, "question": question}
    with mock.patch("tutor.assist.services.lifecycle.enqueue_generation"):
        return request_help(student, exercise, kind, context)


def test_a_hint_streams_from_the_server_through_the_guard(
    served: object, student: User, add_two: Exercise
) -> None:
    ai_request = ask(student, add_two)
    sent: list[tuple[int, str]] = []
    with mock.patch(
        "tutor.assist.services.generation.notify_delta",
        side_effect=lambda _id, seq, text: sent.append((seq, text)),
    ):
        generate_reply(ai_request.pk)
    ai_request.refresh_from_db()

    assert ai_request.status == AiRequest.Status.DONE, ai_request.error_message
    assert ai_request.guard_verdict in ("allow", "redact", "block")
    assert ai_request.completion_tokens > 0
    assert ai_request.first_token_ms is not None
    assert len(sent) >= 2
    assert [seq for seq, _ in sent] == list(range(1, len(sent) + 1))
    if ai_request.guard_verdict == "allow":
        assert "".join(text for _, text in sent) == ai_request.reply


def test_cancel_frees_the_servers_request_within_a_second(
    served: object, student: User, add_two: Exercise
) -> None:
    # A question whose answer is long: a hint may end before the cancel is looked at.
    ai_request = ask(student, add_two, LONG_ANSWER_QUESTION)
    cancelled_at: list[float] = []

    def cancel_after_first_chunk(request_id: int, seq: int, _text: str) -> None:
        if seq == 1:
            streams.request_cancel(request_id)
            cancelled_at.append(time.monotonic())

    with (
        override_settings(LLM_MAX_NEW_TOKENS=1500, GUARD_ENABLED=False),
        mock.patch(
            "tutor.assist.services.generation.notify_delta", side_effect=cancel_after_first_chunk
        ),
    ):
        generate_reply(ai_request.pk)
    stopped_after = time.monotonic() - cancelled_at[0]
    ai_request.refresh_from_db()
    assert ai_request.status == AiRequest.Status.CANCELLED, ai_request.reply
    assert stopped_after < 1.0


def test_a_server_killed_mid_answer_tells_the_student(
    served: tuple[str, object], student: User, add_two: Exercise
) -> None:
    _, process = served
    ai_request = ask(student, add_two, LONG_ANSWER_QUESTION)

    def kill_after_first_chunk(_id: int, seq: int, _text: str) -> None:
        if seq == 1:
            process.kill()  # type: ignore[attr-defined]

    with (
        override_settings(LLM_MAX_NEW_TOKENS=1500, GUARD_ENABLED=False),
        mock.patch(
            "tutor.assist.services.generation.notify_delta", side_effect=kill_after_first_chunk
        ),
    ):
        generate_reply(ai_request.pk)
    ai_request.refresh_from_db()
    assert ai_request.status == AiRequest.Status.FAILED
    assert ai_request.error_message == "The tutor failed while answering. Please ask again."


def test_model_status_shows_what_the_server_serves_and_its_latency(served: object) -> None:
    from io import StringIO

    from django.core.management import call_command

    from tutor.assist.engine import get_engine
    from tutor.assist.model_status import publish_engine_status
    from tutor.assist.selectors.model import model_overview

    engine, model = get_engine()
    publish_engine_status(engine, model.info, ask_server=True)
    out = StringIO()
    call_command("model", "status", stdout=out)
    server = model_overview().loaded.server  # type: ignore[union-attr]

    assert server is not None and server["reachable"]
    assert server["latency_ms"] > 0
    assert any("SmolLM2" in name for name in server["models"])
    assert "server:       reachable" in out.getvalue()
    assert "SmolLM2-135M-Instruct" in out.getvalue()


def test_a_server_that_is_down_is_reported_unreachable_and_fails_requests(
    student: User, add_two: Exercise
) -> None:
    from tutor.assist.engine import get_engine
    from tutor.assist.model_status import publish_engine_status
    from tutor.assist.selectors.model import model_overview

    reset_engine()
    with override_settings(
        LLM_BACKEND="openai", LLM_SERVER_URL="http://127.0.0.1:9", LLM_MODEL_PATH="remote"
    ):
        engine, model = get_engine()
        publish_engine_status(engine, model.info, ask_server=True)
        ai_request = ask(student, add_two)
        generate_reply(ai_request.pk)
    reset_engine()
    ai_request.refresh_from_db()
    server = model_overview().loaded.server  # type: ignore[union-attr]
    assert server is not None and not server["reachable"]
    assert ai_request.status == AiRequest.Status.FAILED
    assert ai_request.error_message == "The tutor failed while answering. Please ask again."


def test_a_model_server_is_not_judged_by_what_a_local_model_measured(served: object) -> None:
    """Admission then goes by the server's recent answers (selectors/admission.py)."""
    publish_answer_speed(AnswerSpeed((4.0, 38.0), 361, 128, time.time()))
    engine, _ = get_engine()

    calibrate(engine)
    publish_speed(engine)

    assert read_answer_speed() is None
