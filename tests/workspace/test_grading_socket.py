"""Run, submit and autosave through the workspace socket (WebsocketCommunicator, real Redis)."""

import asyncio
import threading
from typing import Any
from unittest import mock

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.db import connection

from exercises.models import Draft, Exercise, Submission
from exercises.services.grading import grade_submission
from tests.sockets import refused_code
from tests.workspace.conftest import open_workspace, workspace_socket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

WRONG_FOR_HIDDEN = "def add(a, b):\n    if a > 1000:\n        return 0\n    return a + b\n"


async def until_graded(communicator: WebsocketCommunicator) -> dict[str, Any]:
    while True:
        message = await communicator.receive_json_from(timeout=20)
        if message["type"] == "submission" and message["submission"]["status"] in {
            "done",
            "error",
        }:
            return message["submission"]


@pytest.fixture
def grading_in_thread() -> Any:
    """Stands in for the runner worker: grading starts in a thread once the row is committed."""

    def grade(submission_id: int) -> None:
        try:
            grade_submission(submission_id)
        finally:
            connection.close()

    def enqueue(submission_id: int) -> None:
        threading.Thread(target=grade, args=(submission_id,)).start()

    with mock.patch("exercises.services.grading._enqueue_grading", side_effect=enqueue):
        yield


async def test_submit_arrives_graded_with_hidden_details_redacted(
    student: User, add_two: Exercise, grading_in_thread: None
) -> None:
    communicator, hello = await open_workspace(student)
    assert hello["latest_submission"] is None and hello["draft"] is None
    await communicator.send_json_to({"type": "submit", "code": WRONG_FOR_HIDDEN})
    graded = await until_graded(communicator)
    await communicator.disconnect()

    assert graded["kind"] == "submit"
    assert graded["passed"] is False and graded["tests_total"] == 3
    hidden = [test for test in graded["result"]["tests"] if test.get("hidden")]
    assert [test["name"] for test in hidden] == ["test_adds_secret_numbers"]
    assert "4141" not in str(graded) and "4142" not in str(graded)


async def test_a_result_stored_while_away_is_in_the_next_hello(
    student: User, add_two: Exercise
) -> None:
    submission = await database_sync_to_async(Submission.objects.create)(
        student=student, exercise=add_two, code=WRONG_FOR_HIDDEN, kind="run"
    )
    await database_sync_to_async(grade_submission)(submission.pk)
    communicator, hello = await open_workspace(student)
    await communicator.disconnect()
    assert hello["latest_submission"]["id"] == submission.pk
    assert hello["latest_submission"]["status"] == "done"


async def test_a_socket_idle_longer_than_the_layers_poll_still_gets_the_result(
    student: User, add_two: Exercise
) -> None:
    submission = await database_sync_to_async(Submission.objects.create)(
        student=student, exercise=add_two, code=WRONG_FOR_HIDDEN, kind="run"
    )
    communicator, hello = await open_workspace(student)
    assert hello["latest_submission"]["status"] == "queued"
    await communicator.receive_json_from(timeout=10)  # the followed submission, still queued
    # The channel layer blocks 5 s per poll; a socket timeout as short would kill the consumer.
    await asyncio.sleep(7)
    await database_sync_to_async(grade_submission)(submission.pk)
    graded = await until_graded(communicator)
    await communicator.disconnect()
    assert graded["tests_total"] == 2


async def test_drafts_are_saved_and_come_back_in_hello(student: User, add_two: Exercise) -> None:
    communicator, _ = await open_workspace(student)
    await communicator.send_json_to({"type": "draft", "code": "def add(a, b):\n    return"})
    saved = await communicator.receive_json_from(timeout=10)
    await communicator.disconnect()
    assert saved["type"] == "draft_saved"

    again, hello = await open_workspace(student)
    await again.disconnect()
    assert hello["draft"] == "def add(a, b):\n    return"
    assert await database_sync_to_async(Draft.objects.count)() == 1


async def test_bad_messages_get_clear_errors_and_save_nothing(
    student: User, add_two: Exercise
) -> None:
    communicator, _ = await open_workspace(student)
    for message, expected in (
        ([1, 2], "JSON object"),
        ({"type": "shout"}, "Unknown message type"),
        ({"type": "run"}, "code must be text"),
        ({"type": "draft", "code": 42}, "code must be text"),
        ({"type": "submit", "code": "x = 1\n" * 20000}, "KiB"),
        ({"type": "run", "code": "x = 1\x00"}, "NUL"),
    ):
        await communicator.send_json_to(message)
        reply = await communicator.receive_json_from(timeout=10)
        assert reply["type"] == "error" and expected in reply["message"]
    await communicator.disconnect()
    assert await database_sync_to_async(Submission.objects.count)() == 0


async def test_anonymous_visitors_and_unknown_or_hidden_exercises_are_refused(
    student: User, add_two: Exercise
) -> None:
    assert await refused_code(workspace_socket(None)) == 4403
    assert await refused_code(workspace_socket(student, "no-such-exercise")) == 4403
    add_two.is_hidden = True
    await database_sync_to_async(add_two.save)()
    assert await refused_code(workspace_socket(student)) == 4403


async def test_a_run_over_the_rate_limit_gets_an_error_with_the_wait(
    student: User, add_two: Exercise, settings: Any
) -> None:
    from tutor import ratelimit

    settings.SUBMISSION_RATE_LIMIT_REQUESTS, settings.SUBMISSION_RATE_LIMIT_SECONDS = 1, 60
    await database_sync_to_async(ratelimit.reset)(student.pk)
    communicator, _ = await open_workspace(student)
    try:
        with mock.patch("exercises.services.grading._enqueue_grading"):
            await communicator.send_json_to({"type": "run", "code": "x = 1\n"})
            first = await communicator.receive_json_from(timeout=10)
            await communicator.send_json_to({"type": "run", "code": "x = 2\n"})
            second = await communicator.receive_json_from(timeout=10)
    finally:
        await communicator.disconnect()
        await database_sync_to_async(ratelimit.reset)(student.pk)
    assert first["type"] == "submission"
    assert second["type"] == "error" and "too often" in second["message"]
    assert 0 < second["retry_after_seconds"] <= 60
    assert await database_sync_to_async(Submission.objects.count)() == 1
