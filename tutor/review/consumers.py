"""The feedback part of the workspace socket: instructors' comments appear while the page is open.

Sends {"type": "feedback", "comment": {...}} when an instructor comments on one of this student's
submissions of this exercise, and {"type": "feedback_removed", "comment_id": n} when the comment
is deleted (docs/websocket-protocol.md).
"""

from typing import Literal, TypedDict

from channels.db import database_sync_to_async

from exercises.models import Exercise
from tutor.groups import FeedbackChanged, workspace_group
from tutor.review.selectors.feedback import CommentPayload, student_feedback_comment
from tutor.sockets import SocketLink


class FeedbackMessage(TypedDict):
    type: Literal["feedback"]
    comment: CommentPayload


class FeedbackRemoved(TypedDict):
    type: Literal["feedback_removed"]
    comment_id: int


class FeedbackFeed:
    """Sends the student's new and deleted comments; owns the page's workspace group."""

    def __init__(self, link: SocketLink, exercise: Exercise) -> None:
        self._link = link
        self._exercise = exercise
        self._group = workspace_group(link.user.pk, exercise.pk)

    async def start(self) -> None:
        """Join before the page's hello is read, so no comment falls between the two."""
        await self._link.join(self._group)

    async def stop(self) -> None:
        await self._link.leave(self._group)

    async def on_added(self, event: FeedbackChanged) -> None:
        comment_id = event.get("comment_id")
        if not isinstance(comment_id, int):
            return
        # Re-read for this socket's own student: the event carries nothing to trust but an id.
        comment = await database_sync_to_async(student_feedback_comment)(
            self._link.user, self._exercise, comment_id
        )
        if comment is not None:
            await self._link.send(FeedbackMessage(type="feedback", comment=comment))

    async def on_removed(self, event: FeedbackChanged) -> None:
        comment_id = event.get("comment_id")
        if isinstance(comment_id, int):
            await self._link.send(FeedbackRemoved(type="feedback_removed", comment_id=comment_id))
