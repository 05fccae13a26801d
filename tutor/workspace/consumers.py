"""One socket per open exercise page: grading, autosave, AI help and feedback for one student.

The consumer is made of parts, each with its own state, groups and explicit start/stop: grading
(exercises), AI answers (assist), instructors' feedback (review) and the course's AI policy
(here). It only routes: messages from the page to the part that takes them, channel-layer
events to the part that follows them.
"""

from collections.abc import Mapping
from typing import Any, Literal, TypedDict

from channels.db import database_sync_to_async
from django.contrib.auth.models import User

from exercises.consumers import SubmissionFeed
from exercises.models import Exercise
from tutor.assist.consumers import AnswerFeed
from tutor.courses.selectors import courses_of_student
from tutor.groups import (
    AiChanged,
    AiDelta,
    AiOffered,
    AiPolicyChanged,
    FeedbackChanged,
    SubmissionChanged,
    policy_group,
)
from tutor.live.services import presence
from tutor.review.consumers import FeedbackFeed
from tutor.sockets import Handler, JsonSocket, SocketLink
from tutor.workspace.selectors import AiSettings, ai_settings, workspace_state


class AiSettingsMessage(TypedDict):
    type: Literal["ai_settings"]
    ai: AiSettings


class Pong(TypedDict):
    type: Literal["pong"]


class PolicyFeed:
    """Re-sends the student's AI settings when a course of theirs changes its policy; owns the
    groups of those courses."""

    def __init__(self, link: SocketLink, exercise: Exercise) -> None:
        self._link = link
        self._exercise = exercise
        self._groups: list[str] = []

    async def start(self) -> None:
        """Joined before hello, so no change made after hello's settings were read is missed."""
        course_ids = await database_sync_to_async(_course_ids)(self._link.user)
        self._groups = [policy_group(course_id) for course_id in course_ids]
        for group in self._groups:
            await self._link.join(group)

    async def stop(self) -> None:
        for group in self._groups:
            await self._link.leave(group)

    async def on_changed(self, event: AiPolicyChanged) -> None:
        ai = await database_sync_to_async(ai_settings)(self._link.user, self._exercise)
        await self._link.send(AiSettingsMessage(type="ai_settings", ai=ai))


class WorkspaceConsumer(JsonSocket):
    user: User
    exercise: Exercise
    submissions: SubmissionFeed | None = None
    answers: AnswerFeed | None = None
    feedback: FeedbackFeed | None = None
    policy: PolicyFeed | None = None

    async def connect(self) -> None:
        user = self.scope["user"]
        slug = self.scope["url_route"]["kwargs"]["slug"]
        exercise = await database_sync_to_async(_visible_exercise)(slug)
        if not isinstance(user, User) or not user.is_active or exercise is None:
            await self.close(code=4403)
            return
        self.user, self.exercise = user, exercise
        link = SocketLink(user, self.channel_name, self.channel_layer, self.send_json)
        await self.accept()
        self.answers = AnswerFeed(link, exercise)
        self.answers.start()
        self.policy = PolicyFeed(link, exercise)
        await self.policy.start()
        self.feedback = FeedbackFeed(link, exercise)
        await self.feedback.start()
        self.submissions = SubmissionFeed(link, exercise)
        await self._say_hello()
        await presence.page_opened(user.pk, exercise.pk, self.channel_name)

    async def disconnect(self, code: int) -> None:
        for part in (self.answers, self.policy, self.feedback, self.submissions):
            if part is not None:
                await part.stop()
        if hasattr(self, "exercise"):
            await presence.page_closed(self.user.pk, self.exercise.pk, self.channel_name)

    def message_handlers(self) -> Mapping[str, Handler]:
        if self.answers is None or self.submissions is None:
            return {}
        return {**self.submissions.handlers(), **self.answers.handlers(), "ping": self.pong}

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        await presence.page_seen(self.user.pk, self.exercise.pk, self.channel_name)
        await super().receive_json(content, **kwargs)

    async def pong(self, content: dict[str, Any]) -> None:
        await self.send_json(Pong(type="pong"))

    async def _say_hello(self) -> None:
        """Everything the page shows, so that a reconnect picks up where the page left off."""
        assert self.answers is not None and self.submissions is not None
        state = await database_sync_to_async(workspace_state)(self.user, self.exercise)
        await self.send_json(state.hello)
        for request_id in state.unfinished_request_ids:
            await self.answers.follow(request_id)
        if state.unfinished_submission_id is not None:
            await self.submissions.follow(state.unfinished_submission_id)

    # Channel-layer events, each handed to the part that follows its group.

    async def submission_changed(self, event: SubmissionChanged) -> None:
        if self.submissions is not None:
            await self.submissions.on_changed(event)

    async def ai_delta(self, event: AiDelta) -> None:
        if self.answers is not None:
            await self.answers.on_delta(event)

    async def ai_changed(self, event: AiChanged) -> None:
        if self.answers is not None:
            await self.answers.on_changed(event)

    async def ai_offered(self, event: AiOffered) -> None:
        if self.answers is not None:
            await self.answers.on_offered(event)

    async def feedback_added(self, event: FeedbackChanged) -> None:
        if self.feedback is not None:
            await self.feedback.on_added(event)

    async def feedback_removed(self, event: FeedbackChanged) -> None:
        if self.feedback is not None:
            await self.feedback.on_removed(event)

    async def ai_policy_changed(self, event: AiPolicyChanged) -> None:
        if self.policy is not None:
            await self.policy.on_changed(event)


def _visible_exercise(slug: str) -> Exercise | None:
    return Exercise.objects.filter(slug=slug, is_hidden=False).first()


def _course_ids(student: User) -> list[int]:
    return list(courses_of_student(student).values_list("pk", flat=True))
