import asyncio
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User

from exercises.models import Exercise, Submission
from exercises.services.grading import grade_submission
from exercises.services.importing import import_exercises_from
from tests.conftest import FIXTURES
from tutor.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

WRONG_FOR_HIDDEN = "def add(a, b):\n    if a > 1000:\n        return 0\n    return a + b\n"


@database_sync_to_async
def make_submission(student: User) -> Submission:
    import_exercises_from(FIXTURES / "native")
    return Submission.objects.create(
        student=student,
        exercise=Exercise.objects.get(slug="add-two"),
        code=WRONG_FOR_HIDDEN,
        kind=Submission.Kind.SUBMIT,
    )


def communicator_for(user: User | None, submission_id: int) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        application,
        f"/ws/submissions/{submission_id}/",
        headers=[(b"origin", b"http://localhost"), (b"host", b"localhost")],
    )
    if user is not None:
        communicator.scope["user"] = user
    return communicator


async def receive_until_finished(communicator: WebsocketCommunicator) -> dict[str, Any]:
    while True:
        message = await communicator.receive_json_from(timeout=20)
        if message["submission"]["status"] in {"done", "error"}:
            return message["submission"]


async def test_author_sees_the_result_arrive_with_hidden_details_redacted(
    student: User,
) -> None:
    submission = await make_submission(student)
    communicator = communicator_for(student, submission.pk)
    connected, _ = await communicator.connect()
    assert connected
    first = await communicator.receive_json_from()
    assert first["submission"]["status"] == "queued"

    await database_sync_to_async(grade_submission)(submission.pk)
    finished = await receive_until_finished(communicator)
    await communicator.disconnect()

    assert finished["passed"] is False
    assert finished["tests_total"] == 3
    assert "4141" not in str(finished)
    assert any(test.get("hidden") for test in finished["result"]["tests"])


async def test_another_student_cannot_watch_a_submission(
    student: User, other_student: User
) -> None:
    submission = await make_submission(student)
    connected, code = await communicator_for(other_student, submission.pk).connect()
    assert not connected
    assert code == 4403


async def test_anonymous_visitors_are_refused(student: User) -> None:
    submission = await make_submission(student)
    communicator = communicator_for(None, submission.pk)
    connected, _ = await communicator.connect()
    assert not connected


async def test_instructor_sees_hidden_test_details(student: User, instructor: User) -> None:
    submission = await make_submission(student)
    await database_sync_to_async(grade_submission)(submission.pk)
    communicator = communicator_for(instructor, submission.pk)
    connected, _ = await communicator.connect()
    assert connected
    message = await communicator.receive_json_from()
    await communicator.disconnect()
    hidden = [t for t in message["submission"]["result"]["tests"] if t["file"] == "test_hidden.py"]
    assert hidden and "hidden" not in hidden[0]


async def test_a_socket_idle_longer_than_the_layers_poll_still_gets_the_result(
    student: User,
) -> None:
    submission = await make_submission(student)
    communicator = communicator_for(student, submission.pk)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.receive_json_from()
    # The channel layer blocks 5 s per poll; a socket timeout as short would kill the consumer.
    await asyncio.sleep(7)
    await database_sync_to_async(grade_submission)(submission.pk)
    finished = await receive_until_finished(communicator)
    await communicator.disconnect()
    assert finished["tests_total"] == 3
