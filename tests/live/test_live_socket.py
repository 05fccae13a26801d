"""The live class socket /ws/courses/<slug>/live/ (WebsocketCommunicator, real Redis)."""

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from exercises.models import Exercise, Submission
from exercises.services.grading import grade_submission
from tests.sockets import refused_code
from tests.workspace.conftest import open_workspace, receive_until
from tutor.accounts.roles import make_instructor
from tutor.asgi import application
from tutor.courses.models import Course

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

WRONG = "def add(a, b):\n    return a - b\n"


def live_socket(user: User | None, slug: str = "python-1") -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        application,
        f"/ws/courses/{slug}/live/",
        headers=[(b"origin", b"http://localhost"), (b"host", b"localhost")],
    )
    if user is not None:
        communicator.scope["user"] = user
    return communicator


async def open_live(user: User) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    communicator = live_socket(user)
    connected, _ = await communicator.connect(timeout=10)
    assert connected
    table = await communicator.receive_json_from(timeout=10)
    assert table["type"] == "table"
    groups = await communicator.receive_json_from(timeout=10)  # the class's mistakes
    assert groups["type"] == "groups"
    return communicator, table


def row_of(student: User, check: Any = None) -> Any:
    def done(message: dict[str, Any]) -> bool:
        return (
            message["type"] == "row"
            and message["row"]["student_id"] == student.pk
            and (check is None or check(message["row"]))
        )

    return done


async def refused(user: User | None) -> None:
    assert await refused_code(live_socket(user)) == 4403


async def test_students_other_instructors_and_anonymous_visitors_are_refused(
    course: Course, student: User
) -> None:
    other = await database_sync_to_async(get_user_model().objects.create_user)("other-teacher")
    await database_sync_to_async(make_instructor)(other)
    await refused(student)
    await refused(other)
    await refused(None)


async def test_an_unknown_course_is_refused(instructor: User, course: Course) -> None:
    assert await refused_code(live_socket(instructor, "no-such-course")) == 4403


async def test_the_whole_table_arrives_on_connect(course: Course, instructor: User) -> None:
    communicator, table = await open_live(instructor)
    await communicator.disconnect()
    assert [row["username"] for row in table["rows"]] == ["alice"]
    assert table["rule"] == {"failed_runs": 3, "minutes": 10, "hints": 3}


async def test_a_run_of_a_student_updates_their_row(
    course: Course, instructor: User, student: User, add_two: Exercise
) -> None:
    communicator, _ = await open_live(instructor)
    submission = await database_sync_to_async(Submission.objects.create)(
        student=student, exercise=add_two, code=WRONG, kind="run"
    )
    await database_sync_to_async(grade_submission)(submission.pk)
    messages = await receive_until(communicator, row_of(student), timeout=20)
    await communicator.disconnect()
    row = messages[-1]["row"]
    assert row["exercise"]["slug"] == "add-two"
    assert row["last_run"]["passed"] is False and row["last_run"]["tests_total"] >= 1
    assert row["failed_in_a_row"] == 1 and row["stuck"] is False
    assert WRONG not in str(row)


async def test_opening_and_closing_the_workspace_shows_presence(
    course: Course, instructor: User, student: User
) -> None:
    communicator, table = await open_live(instructor)
    assert table["rows"][0]["online"] is False
    workspace, _ = await open_workspace(student)
    messages = await receive_until(communicator, row_of(student, lambda row: row["online"]))
    row = messages[-1]["row"]
    assert row["exercise"]["slug"] == "add-two"
    await workspace.send_json_to({"type": "ping"})
    assert (await workspace.receive_json_from(timeout=10))["type"] == "pong"
    await workspace.disconnect()
    await receive_until(communicator, row_of(student, lambda row: not row["online"]))
    await communicator.disconnect()


async def test_students_of_other_courses_do_not_reach_this_view(
    course: Course, instructor: User, other_student: User
) -> None:
    communicator, _ = await open_live(instructor)
    workspace, _ = await open_workspace(other_student)
    await workspace.disconnect()
    assert await communicator.receive_nothing(timeout=1)
    await communicator.disconnect()
