"""The grading half of the workspace socket: run, submit, autosave, and results as they land."""

import asyncio
import contextlib
import logging
from typing import Any

from channels.db import database_sync_to_async
from django.contrib.auth.models import User

from exercises.models import Exercise, Submission
from exercises.selectors.submissions import (
    SubmissionPayload,
    submission_for_viewer,
    submission_payload,
)
from exercises.services.drafts import save_draft
from exercises.services.grading import CodeRejected, submit_code
from exercises.services.recovery import recover_submission
from tutor.accounts.roles import is_instructor
from tutor.groups import SubmissionChanged, submission_group
from tutor.sockets import JsonSocket, SocketRefusal

logger = logging.getLogger(__name__)

# How often a socket waiting for a result checks that a grader is still on it.
WATCH_SECONDS = 3.0


class SubmissionSocket(JsonSocket):
    """Mixin for a consumer that knows its user and exercise (self.user, self.exercise)."""

    user: User
    exercise: Exercise

    def start_watching_submissions(self) -> None:
        self.awaited: set[int] = set()
        self.submission_watch = asyncio.create_task(self._watch_submissions())

    async def stop_watching_submissions(self) -> None:
        if hasattr(self, "submission_watch"):
            self.submission_watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.submission_watch

    async def _watch_submissions(self) -> None:
        """A student waiting for a result learns within seconds that its grader died (it is
        graded again) or that no grader is running (an error says so); see
        exercises/services/recovery.py. Any change reaches this socket as submission.changed."""
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            for submission_id in list(self.awaited):
                try:
                    await database_sync_to_async(recover_submission)(submission_id)
                except Exception as error:
                    # The database or Redis is down: keep watching, the next round retries.
                    logger.warning("Could not check submission %s: %s", submission_id, error)

    async def handle_run(self, content: dict[str, Any]) -> None:
        await self._grade(content, Submission.Kind.RUN)

    async def handle_submit(self, content: dict[str, Any]) -> None:
        await self._grade(content, Submission.Kind.SUBMIT)

    async def handle_draft(self, content: dict[str, Any]) -> None:
        code = _code_of(content)
        try:
            draft = await database_sync_to_async(save_draft)(self.user, self.exercise, code)
        except CodeRejected as error:
            raise SocketRefusal(str(error)) from error
        await self.send_json({"type": "draft_saved", "saved_at": draft.saved_at.isoformat()})

    async def _grade(self, content: dict[str, Any], kind: Submission.Kind) -> None:
        code = _code_of(content)
        try:
            submission = await database_sync_to_async(submit_code)(
                self.user, self.exercise, code, kind
            )
        except CodeRejected as error:
            raise SocketRefusal(str(error)) from error
        await self.follow_submission(submission.pk)

    async def follow_submission(self, submission_id: int) -> None:
        await self.channel_layer.group_add(submission_group(submission_id), self.channel_name)
        if hasattr(self, "awaited"):
            self.awaited.add(submission_id)
        await self.send_submission(submission_id)

    async def submission_changed(self, event: SubmissionChanged) -> None:
        await self.send_submission(event["submission_id"])

    async def send_submission(self, submission_id: int) -> None:
        payload = await self._submission_payload(submission_id)
        if payload is not None:
            await self.send_json({"type": "submission", "submission": payload})
            if payload["status"] in {"done", "error"}:
                if hasattr(self, "awaited"):
                    self.awaited.discard(submission_id)
                await self.channel_layer.group_discard(
                    submission_group(submission_id), self.channel_name
                )

    @database_sync_to_async
    def _submission_payload(self, submission_id: int) -> SubmissionPayload | None:
        submission = submission_for_viewer(self.user, submission_id)
        if submission is None:
            return None
        return submission_payload(submission, for_instructor=is_instructor(self.user))


def _code_of(content: dict[str, Any]) -> str:
    code = content.get("code")
    if not isinstance(code, str):
        raise SocketRefusal("code must be text.")
    return code
