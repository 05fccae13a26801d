"""The feedback half of the workspace socket: instructors' comments appear while the page is open.

Sends {"type": "feedback", "comment": {...}} when an instructor comments on one of this student's
submissions of this exercise, and {"type": "feedback_removed", "comment_id": n} when the comment
is deleted (docs/websocket-protocol.md).
"""

from channels.db import database_sync_to_async
from django.contrib.auth.models import User

from exercises.models import Exercise
from tutor.groups import FeedbackChanged, workspace_group
from tutor.review.selectors.feedback import student_feedback_comment
from tutor.sockets import JsonSocket


class FeedbackSocket(JsonSocket):
    """Mixin for a consumer that knows its user and exercise (self.user, self.exercise)."""

    user: User
    exercise: Exercise

    async def start_following_feedback(self) -> None:
        """Join before the page's hello is read, so no comment falls between the two."""
        self.feedback_group = workspace_group(self.user.pk, self.exercise.pk)
        await self.channel_layer.group_add(self.feedback_group, self.channel_name)

    async def stop_following_feedback(self) -> None:
        if hasattr(self, "feedback_group"):
            await self.channel_layer.group_discard(self.feedback_group, self.channel_name)

    async def feedback_added(self, event: FeedbackChanged) -> None:
        comment_id = event.get("comment_id")
        if not isinstance(comment_id, int):
            return
        # Re-read for this socket's own student: the event carries nothing to trust but an id.
        comment = await database_sync_to_async(student_feedback_comment)(
            self.user, self.exercise, comment_id
        )
        if comment is not None:
            await self.send_json({"type": "feedback", "comment": comment})

    async def feedback_removed(self, event: FeedbackChanged) -> None:
        comment_id = event.get("comment_id")
        if isinstance(comment_id, int):
            await self.send_json({"type": "feedback_removed", "comment_id": comment_id})
