"""One socket per open exercise page: grading, autosave and AI help for one student."""

from typing import Any

from channels.db import database_sync_to_async
from django.contrib.auth.models import User

from exercises.consumers import SubmissionSocket
from exercises.models import Exercise
from tutor.assist.consumers import AssistSocket
from tutor.live.services import presence
from tutor.workspace.selectors import workspace_state


class WorkspaceConsumer(SubmissionSocket, AssistSocket):
    async def connect(self) -> None:
        user = self.scope["user"]
        slug = self.scope["url_route"]["kwargs"]["slug"]
        exercise = await self._visible_exercise(slug)
        if not isinstance(user, User) or not user.is_active or exercise is None:
            await self.close(code=4403)
            return
        self.user, self.exercise = user, exercise
        await self.accept()
        self.start_following_answers()
        self.start_watching_submissions()
        await self._say_hello()
        await presence.page_opened(user.pk, exercise.pk, self.channel_name)

    async def disconnect(self, code: int) -> None:
        await self.stop_following_answers()
        await self.stop_watching_submissions()
        if hasattr(self, "exercise"):
            await presence.page_closed(self.user.pk, self.exercise.pk, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        await presence.page_seen(self.user.pk, self.exercise.pk, self.channel_name)
        await super().receive_json(content, **kwargs)

    async def _say_hello(self) -> None:
        """Everything the page shows, so that a reconnect picks up where the page left off."""
        state = await database_sync_to_async(workspace_state)(self.user, self.exercise)
        await self.send_json({"type": "hello", **state.payload})
        for request_id in state.unfinished_request_ids:
            await self.follow_answer(request_id)
        if state.unfinished_submission_id is not None:
            await self.follow_submission(state.unfinished_submission_id)

    @database_sync_to_async
    def _visible_exercise(self, slug: str) -> Exercise | None:
        return Exercise.objects.filter(slug=slug, is_hidden=False).first()

    async def handle_ping(self, content: dict[str, Any]) -> None:
        await self.send_json({"type": "pong"})
