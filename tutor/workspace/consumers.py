"""One socket per open exercise page: grading, autosave and AI help for one student."""

from typing import Any

from channels.db import database_sync_to_async
from django.contrib.auth.models import User

from exercises.consumers import SubmissionSocket
from exercises.models import Exercise
from tutor.assist.consumers import AssistSocket
from tutor.courses.selectors import courses_of_student
from tutor.groups import AiPolicyChanged, policy_group
from tutor.live.services import presence
from tutor.review.consumers import FeedbackSocket
from tutor.workspace.selectors import ai_settings, workspace_state


class WorkspaceConsumer(SubmissionSocket, AssistSocket, FeedbackSocket):
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
        await self._follow_course_policies()
        await self.start_following_feedback()
        self.start_watching_submissions()
        await self._say_hello()
        await presence.page_opened(user.pk, exercise.pk, self.channel_name)

    async def disconnect(self, code: int) -> None:
        await self.stop_following_answers()
        for group in getattr(self, "policy_groups", []):
            await self.channel_layer.group_discard(group, self.channel_name)
        await self.stop_following_feedback()
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

    async def _follow_course_policies(self) -> None:
        """Joined before hello, so no change made after hello's settings were read is missed."""
        course_ids = await database_sync_to_async(_course_ids)(self.user)
        self.policy_groups = [policy_group(course_id) for course_id in course_ids]
        for group in self.policy_groups:
            await self.channel_layer.group_add(group, self.channel_name)

    async def ai_policy_changed(self, event: AiPolicyChanged) -> None:
        ai = await database_sync_to_async(ai_settings)(self.user, self.exercise)
        await self.send_json({"type": "ai_settings", "ai": ai})

    @database_sync_to_async
    def _visible_exercise(self, slug: str) -> Exercise | None:
        return Exercise.objects.filter(slug=slug, is_hidden=False).first()

    async def handle_ping(self, content: dict[str, Any]) -> None:
        await self.send_json({"type": "pong"})


def _course_ids(student: User) -> list[int]:
    return list(courses_of_student(student).values_list("pk", flat=True))
