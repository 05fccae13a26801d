"""The student's side: comments in the workspace's hello, and new ones pushed live."""

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth.models import User

from exercises.models import Exercise, Submission
from tests.review.conftest import SECOND, comment_on, make_submission
from tests.workspace.conftest import open_workspace, receive_until
from tutor.groups import workspace_group
from tutor.review.services import delete_comment
from tutor.workspace.selectors import workspace_state


def name_instructor(instructor: User) -> None:
    instructor.first_name, instructor.last_name = "Ada", "Lovelace"
    instructor.save()


@pytest.mark.django_db
def test_the_workspace_state_has_the_students_comments_and_nobody_elses(
    attempts: list[Submission],
    instructor: User,
    student: User,
    other_student: User,
    add_two: Exercise,
    exercism_exercises: dict[str, Exercise],
) -> None:
    name_instructor(instructor)
    on_first = comment_on(instructor, attempts[0], 2, "pass does nothing.")
    on_third = comment_on(instructor, attempts[2], 3, "Why 0?")
    bobs = make_submission(other_student, add_two, SECOND, 5)
    comment_on(instructor, bobs, 2, "Bob: subtracting?")
    elsewhere = make_submission(student, exercism_exercises["two-fer"], "x = 1\n", 5)
    comment_on(instructor, elsewhere, 1, "On another exercise.")

    feedback = workspace_state(student, add_two).hello["feedback"]
    # Newest submission first.
    assert [item["id"] for item in feedback] == [on_third.pk, on_first.pk]
    assert feedback[0] == {
        "id": on_third.pk,
        "submission_id": attempts[2].pk,
        "submission_kind": "submit",
        "submitted_at": attempts[2].created_at.isoformat(),
        "line": 3,
        "line_text": "        return 0",
        "body": "Why 0?",
        "author": "Ada Lovelace",
        "created_at": on_third.created_at.isoformat(),
    }
    bobs_feedback = workspace_state(other_student, add_two).hello["feedback"]
    assert [item["body"] for item in bobs_feedback] == ["Bob: subtracting?"]


@pytest.mark.django_db
def test_an_instructor_without_a_name_shows_as_their_username(
    attempts: list[Submission], instructor: User, student: User, add_two: Exercise
) -> None:
    comment_on(instructor, attempts[0], 1, "Hello.")
    assert workspace_state(student, add_two).hello["feedback"][0]["author"] == "teacher"
    instructor.delete()  # the comment stays, with a neutral author
    assert workspace_state(student, add_two).hello["feedback"][0]["author"] == "Your instructor"


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_new_comment_reaches_the_students_open_workspace_only(
    attempts: list[Submission], instructor: User, student: User, other_student: User
) -> None:
    await database_sync_to_async(name_instructor)(instructor)
    alice, hello = await open_workspace(student)
    bob, bobs_hello = await open_workspace(other_student)
    assert hello["feedback"] == [] and bobs_hello["feedback"] == []

    comment = await database_sync_to_async(comment_on)(instructor, attempts[1], 2, "Minus?")
    messages = await receive_until(alice, lambda message: message["type"] == "feedback")
    pushed = messages[-1]["comment"]
    assert (pushed["id"], pushed["line"], pushed["body"], pushed["author"]) == (
        comment.pk,
        2,
        "Minus?",
        "Ada Lovelace",
    )
    assert pushed["line_text"] == "    return a - b"
    assert await bob.receive_nothing(timeout=1)

    comment_id = comment.pk  # delete() clears it
    await database_sync_to_async(delete_comment)(instructor, comment)
    messages = await receive_until(alice, lambda message: message["type"] == "feedback_removed")
    assert messages[-1] == {"type": "feedback_removed", "comment_id": comment_id}
    assert await bob.receive_nothing(timeout=1)

    # A reconnect's hello agrees: the comment is gone.
    await alice.disconnect()
    again, hello = await open_workspace(student)
    assert hello["feedback"] == []
    await again.disconnect()
    await bob.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_an_event_naming_another_students_comment_shows_nothing(
    attempts: list[Submission],
    instructor: User,
    student: User,
    other_student: User,
    add_two: Exercise,
) -> None:
    bobs = await database_sync_to_async(make_submission)(other_student, add_two, SECOND, 5)
    comment = await database_sync_to_async(comment_on)(instructor, bobs, 2, "For Bob only.")
    alice, _ = await open_workspace(student)
    # The page follows the latest attempt, still queued: that message comes first.
    await receive_until(alice, lambda message: message["type"] == "submission")
    # Only an id travels: Alice's socket re-reads it and finds it is not on her code.
    await get_channel_layer().group_send(
        workspace_group(student.pk, add_two.pk),
        {"type": "feedback.added", "comment_id": comment.pk},
    )
    assert await alice.receive_nothing(timeout=1)
    await alice.disconnect()
