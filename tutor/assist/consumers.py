"""The AI half of the workspace socket: ask, follow answers token by token, cancel, rate."""

import asyncio
import contextlib
import logging
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import User

from exercises.models import Exercise
from tutor.assist import streams
from tutor.assist.models import AiRequest
from tutor.assist.selectors.requests import own_request, queue_place, request_payload
from tutor.assist.services.recovery import Recovery, recover_request
from tutor.assist.services.requests import (
    HelpRefused,
    cancel_request,
    rate_reply,
    request_help,
)
from tutor.groups import AiChanged, AiDelta, request_group
from tutor.sockets import JsonSocket, SocketRefusal

logger = logging.getLogger(__name__)

WATCHDOG_SECONDS = 2.0
FINISHED = {"done", "failed", "cancelled"}


class AssistSocket(JsonSocket):
    """Mixin for a consumer that knows its user and exercise (self.user, self.exercise)."""

    user: User
    exercise: Exercise

    def start_following_answers(self) -> None:
        self.followed: set[int] = set()
        self.watchdog = asyncio.create_task(self._watch_followed())

    async def stop_following_answers(self) -> None:
        if hasattr(self, "watchdog"):
            self.watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.watchdog
        for request_id in getattr(self, "followed", set()):
            await self.channel_layer.group_discard(request_group(request_id), self.channel_name)

    async def handle_help(self, content: dict[str, Any]) -> None:
        try:
            kind = AiRequest.Kind(str(content.get("kind")))
        except ValueError as error:
            raise SocketRefusal(f"Unknown kind of help {content.get('kind')!r}.") from error
        try:
            ai_request = await database_sync_to_async(request_help)(
                self.user, self.exercise, kind, content
            )
        except HelpRefused as refusal:
            raise SocketRefusal(str(refusal), refusal.retry_after_seconds) from refusal
        await self.follow_answer(ai_request.pk)
        await self.send_answer(ai_request.pk)

    async def handle_cancel(self, content: dict[str, Any]) -> None:
        request_id = _request_id(content)
        if await database_sync_to_async(cancel_request)(self.user, request_id) is None:
            raise SocketRefusal("No such request.")

    async def handle_resume(self, content: dict[str, Any]) -> None:
        request_id = _request_id(content)
        if await self.send_answer(request_id):
            await self.follow_answer(request_id)

    async def handle_rate(self, content: dict[str, Any]) -> None:
        request_id = _request_id(content)
        rating = content.get("rating")
        if rating not in (1, -1) or isinstance(rating, bool):
            raise SocketRefusal("A rating is 1 (helpful) or -1 (not helpful).")
        if not await database_sync_to_async(rate_reply)(self.user, request_id, rating):
            raise SocketRefusal("Only your own finished answers can be rated.")
        await self.send_answer(request_id)

    async def follow_answer(self, request_id: int) -> None:
        if request_id not in self.followed:
            self.followed.add(request_id)
            await self.channel_layer.group_add(request_group(request_id), self.channel_name)
        await database_sync_to_async(streams.mark_watched)(request_id)

    async def ai_delta(self, event: AiDelta) -> None:
        await self.send_json(
            {
                "type": "delta",
                "request_id": event["request_id"],
                "seq": event["seq"],
                "text": event["text"],
            }
        )

    async def ai_changed(self, event: AiChanged) -> None:
        await self.send_answer(event["request_id"])

    async def send_answer(self, request_id: int) -> bool:
        payload = await self._own_payload(request_id)
        if payload is None:
            await self.send_error("No such request.")
            return False
        await self.send_json({"type": "request", "request": payload})
        if payload["status"] in FINISHED:
            self.followed.discard(request_id)
        return True

    async def _watch_followed(self) -> None:
        """Keep followed answers alive, tell queued students their place, catch dead workers."""
        while True:
            await asyncio.sleep(WATCHDOG_SECONDS)
            for request_id in list(self.followed):
                try:
                    update = await self._watchdog_step(request_id)
                except Exception as error:
                    # A database or Redis hiccup must not end the watch for the socket's life.
                    logger.warning("Watchdog step for AI request %s failed: %s", request_id, error)
                    continue
                if update is not None:
                    await self.send_json(update)

    @database_sync_to_async
    def _watchdog_step(self, request_id: int) -> dict[str, Any] | None:
        ai_request = own_request(self.user, request_id)
        if ai_request is None or ai_request.is_finished:
            self.followed.discard(request_id)
            return None
        streams.mark_watched(request_id)
        # A dead worker or no worker at all: the failure reaches this socket as ai.changed.
        if recover_request(request_id) == Recovery.FAILED:
            return None
        if ai_request.status == AiRequest.Status.QUEUED:
            place = queue_place(ai_request, settings.LLM_PARALLEL_REQUESTS)
            return {
                "type": "queue",
                "request_id": request_id,
                "position": place.position,
                "estimated_wait_seconds": place.estimated_wait_seconds,
            }
        return None

    @database_sync_to_async
    def _own_payload(self, request_id: int) -> dict[str, Any] | None:
        ai_request = own_request(self.user, request_id)
        return None if ai_request is None else request_payload(ai_request)


def _request_id(content: dict[str, Any]) -> int:
    value = content.get("request_id")
    if not isinstance(value, int) or isinstance(value, bool):
        raise SocketRefusal("request_id must be a number.")
    return value
