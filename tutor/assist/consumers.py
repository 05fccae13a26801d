"""The AI part of the workspace socket: ask, follow answers token by token, cancel, rate."""

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any, Literal, TypedDict

from channels.db import database_sync_to_async
from django.conf import settings

from exercises.models import Exercise
from tutor.assist import streams
from tutor.assist.models import AiRequest
from tutor.assist.selectors.requests import (
    RequestPayload,
    own_request,
    queue_place,
    request_payload,
)
from tutor.assist.services.requests import (
    HelpRefused,
    cancel_request,
    rate_reply,
    request_help,
)
from tutor.groups import AiChanged, AiDelta, AiOffered, request_group
from tutor.sockets import ErrorMessage, Handler, SocketLink, SocketRefusal

logger = logging.getLogger(__name__)

WATCHDOG_SECONDS = 2.0
FINISHED = {"done", "failed", "cancelled"}


class RequestMessage(TypedDict):
    type: Literal["request"]
    request: RequestPayload


class DeltaMessage(TypedDict):
    type: Literal["delta"]
    request_id: int
    seq: int
    text: str


class QueueMessage(TypedDict):
    type: Literal["queue"]
    request_id: int
    position: int
    estimated_wait_seconds: float


class AnswerFeed:
    """Takes help, cancel, resume and rate messages and streams the answers it follows.

    Owns the channel groups of the answers it follows and the task that keeps them watched
    and tells a waiting student their place. A worker that dies is the workers' watchdog's to
    notice (tutor/watchdog.py): the news arrives here as ai.changed.
    """

    def __init__(self, link: SocketLink, exercise: Exercise) -> None:
        self._link = link
        self._exercise = exercise
        self._followed: set[int] = set()
        self._watchdog: asyncio.Task[None] | None = None

    def handlers(self) -> Mapping[str, Handler]:
        return {"help": self.ask, "cancel": self.cancel, "resume": self.resume, "rate": self.rate}

    def start(self) -> None:
        self._watchdog = asyncio.create_task(self._watch_followed())

    async def stop(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
        for request_id in list(self._followed):
            await self._link.leave(request_group(request_id))

    async def ask(self, content: dict[str, Any]) -> None:
        try:
            kind = AiRequest.Kind(str(content.get("kind")))
        except ValueError as error:
            raise SocketRefusal(f"Unknown kind of help {content.get('kind')!r}.") from error
        try:
            ai_request = await database_sync_to_async(request_help)(
                self._link.user, self._exercise, kind, content
            )
        except HelpRefused as refusal:
            raise SocketRefusal(str(refusal), refusal.retry_after_seconds) from refusal
        await self.follow(ai_request.pk)
        await self._send_answer(ai_request.pk)

    async def cancel(self, content: dict[str, Any]) -> None:
        request_id = _request_id(content)
        if await database_sync_to_async(cancel_request)(self._link.user, request_id) is None:
            raise SocketRefusal("No such request.")

    async def resume(self, content: dict[str, Any]) -> None:
        request_id = _request_id(content)
        if await self._send_answer(request_id):
            await self.follow(request_id)

    async def rate(self, content: dict[str, Any]) -> None:
        request_id = _request_id(content)
        rating = content.get("rating")
        if rating not in (1, -1) or isinstance(rating, bool):
            raise SocketRefusal("A rating is 1 (helpful) or -1 (not helpful).")
        if not await database_sync_to_async(rate_reply)(self._link.user, request_id, rating):
            raise SocketRefusal("Only your own finished answers can be rated.")
        await self._send_answer(request_id)

    async def follow(self, request_id: int) -> None:
        if request_id not in self._followed:
            self._followed.add(request_id)
            await self._link.join(request_group(request_id))
        await database_sync_to_async(streams.mark_watched)(request_id)

    async def on_delta(self, event: AiDelta) -> None:
        await self._link.send(
            DeltaMessage(
                type="delta", request_id=event["request_id"], seq=event["seq"], text=event["text"]
            )
        )

    async def on_changed(self, event: AiChanged) -> None:
        await self._send_answer(event["request_id"])

    async def on_offered(self, event: AiOffered) -> None:
        """An answer the student did not ask for (an instructor's hint to their group)."""
        await self._send_answer(event["request_id"])

    async def _send_answer(self, request_id: int) -> bool:
        payload = await database_sync_to_async(self._own_payload)(request_id)
        if payload is None:
            await self._link.send(ErrorMessage(type="error", message="No such request."))
            return False
        await self._link.send(RequestMessage(type="request", request=payload))
        if payload["status"] in FINISHED:
            self._followed.discard(request_id)
        return True

    async def _watch_followed(self) -> None:
        """Mark followed answers watched and tell queued students their place."""
        while True:
            await asyncio.sleep(WATCHDOG_SECONDS)
            for request_id in list(self._followed):
                try:
                    update = await database_sync_to_async(self._watchdog_step)(request_id)
                except Exception as error:
                    # A database or Redis hiccup must not end the watch for the socket's life.
                    logger.warning("Watchdog step for AI request %s failed: %s", request_id, error)
                    continue
                if update is not None:
                    await self._link.send(update)

    def _watchdog_step(self, request_id: int) -> QueueMessage | None:
        ai_request = own_request(self._link.user, request_id)
        if ai_request is None or ai_request.is_finished:
            self._followed.discard(request_id)
            return None
        streams.mark_watched(request_id)
        if ai_request.status == AiRequest.Status.QUEUED:
            place = queue_place(ai_request, settings.LLM_PARALLEL_REQUESTS)
            return QueueMessage(
                type="queue",
                request_id=request_id,
                position=place.position,
                estimated_wait_seconds=place.estimated_wait_seconds,
            )
        return None

    def _own_payload(self, request_id: int) -> RequestPayload | None:
        ai_request = own_request(self._link.user, request_id)
        return None if ai_request is None else request_payload(ai_request)


def _request_id(content: dict[str, Any]) -> int:
    value = content.get("request_id")
    if not isinstance(value, int) or isinstance(value, bool):
        raise SocketRefusal("request_id must be a number.")
    return value
