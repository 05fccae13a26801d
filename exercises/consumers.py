"""The grading part of the workspace socket: run, submit, autosave, and results as they land."""

from collections.abc import Mapping
from typing import Any, Literal, TypedDict

from channels.db import database_sync_to_async

from exercises.models import Exercise, Submission
from exercises.selectors.submissions import (
    SubmissionPayload,
    submission_for_viewer,
    submission_payload,
)
from exercises.services.drafts import save_draft
from exercises.services.grading import CodeRejected, submit_code
from tutor.accounts.roles import is_instructor
from tutor.groups import SubmissionChanged, submission_group
from tutor.sockets import Handler, SocketLink, SocketRefusal


class SubmissionMessage(TypedDict):
    type: Literal["submission"]
    submission: SubmissionPayload


class DraftSaved(TypedDict):
    type: Literal["draft_saved"]
    saved_at: str


class SubmissionFeed:
    """Takes run, submit and draft messages and sends each awaited submission as it changes.

    Owns the channel groups of the submissions it awaits. A grader that dies is the workers'
    watchdog's to notice (tutor/watchdog.py): the news arrives here as submission.changed.
    """

    def __init__(self, link: SocketLink, exercise: Exercise) -> None:
        self._link = link
        self._exercise = exercise
        self._awaited: set[int] = set()

    def handlers(self) -> Mapping[str, Handler]:
        return {"run": self.run, "submit": self.submit, "draft": self.save_draft}

    async def stop(self) -> None:
        for submission_id in list(self._awaited):
            await self._link.leave(submission_group(submission_id))

    async def run(self, content: dict[str, Any]) -> None:
        await self._grade(content, Submission.Kind.RUN)

    async def submit(self, content: dict[str, Any]) -> None:
        await self._grade(content, Submission.Kind.SUBMIT)

    async def save_draft(self, content: dict[str, Any]) -> None:
        code = _code_of(content)
        try:
            draft = await database_sync_to_async(save_draft)(self._link.user, self._exercise, code)
        except CodeRejected as error:
            raise SocketRefusal(str(error)) from error
        await self._link.send(DraftSaved(type="draft_saved", saved_at=draft.saved_at.isoformat()))

    async def follow(self, submission_id: int) -> None:
        await self._link.join(submission_group(submission_id))
        self._awaited.add(submission_id)
        await self._send_submission(submission_id)

    async def on_changed(self, event: SubmissionChanged) -> None:
        await self._send_submission(event["submission_id"])

    async def _grade(self, content: dict[str, Any], kind: Submission.Kind) -> None:
        code = _code_of(content)
        try:
            submission = await database_sync_to_async(submit_code)(
                self._link.user, self._exercise, code, kind
            )
        except CodeRejected as error:
            raise SocketRefusal(str(error), error.retry_after_seconds) from error
        await self.follow(submission.pk)

    async def _send_submission(self, submission_id: int) -> None:
        payload = await database_sync_to_async(self._payload)(submission_id)
        if payload is None:
            return
        await self._link.send(SubmissionMessage(type="submission", submission=payload))
        if payload["status"] in {"done", "error"}:
            self._awaited.discard(submission_id)
            await self._link.leave(submission_group(submission_id))

    def _payload(self, submission_id: int) -> SubmissionPayload | None:
        user = self._link.user
        submission = submission_for_viewer(user, submission_id)
        if submission is None:
            return None
        return submission_payload(submission, for_instructor=is_instructor(user))


def _code_of(content: dict[str, Any]) -> str:
    code = content.get("code")
    if not isinstance(code, str):
        raise SocketRefusal("code must be text.")
    return code
