"""WebSocket for the AI help panel: ask, follow the answer token by token, cancel, rate."""

import asyncio
import contextlib
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from exercises.models import Exercise
from tutor.assist import streams
from tutor.assist.models import AiRequest
from tutor.assist.selectors.requests import own_request, queue_place, request_payload
from tutor.assist.services.notifications import request_group
from tutor.assist.services.requests import (
    HelpRefused,
    cancel_request,
    fail_request,
    rate_reply,
    request_help,
)

WATCHDOG_SECONDS = 2.0
WORKER_LOST_MESSAGE = "The tutor's worker stopped while answering. Please ask again."


class AssistConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope["user"]
        self.exercise = await self._visible_exercise(self.scope["url_route"]["kwargs"]["slug"])
        if not user.is_authenticated or self.exercise is None:
            await self.close(code=4403)
            return
        self.followed: set[int] = set()
        await self.accept()
        self.watchdog = asyncio.create_task(self._watch_followed())

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "watchdog"):
            self.watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.watchdog
        for request_id in getattr(self, "followed", set()):
            await self.channel_layer.group_discard(request_group(request_id), self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            await self._error("Send a JSON object.")
            return
        handlers = {
            "help": self._help,
            "cancel": self._cancel,
            "resume": self._resume,
            "rate": self._rate,
        }
        handler = handlers.get(content.get("type", ""))
        if handler is None:
            await self._error(f"Unknown message type {content.get('type')!r}.")
            return
        try:
            await handler(content)
        except HelpRefused as refusal:
            await self._error(str(refusal))

    async def _help(self, content: dict[str, Any]) -> None:
        try:
            kind = AiRequest.Kind(str(content.get("kind")))
        except ValueError as error:
            raise HelpRefused(f"Unknown kind of help {content.get('kind')!r}.") from error
        ai_request = await database_sync_to_async(request_help)(
            self.scope["user"], self.exercise, kind, content
        )
        await self._follow(ai_request.pk)
        await self._send_request(ai_request.pk)

    async def _cancel(self, content: dict[str, Any]) -> None:
        request_id = _request_id(content)
        await database_sync_to_async(cancel_request)(self.scope["user"], request_id)

    async def _resume(self, content: dict[str, Any]) -> None:
        request_id = _request_id(content)
        if await self._send_request(request_id):
            await self._follow(request_id)

    async def _rate(self, content: dict[str, Any]) -> None:
        request_id = _request_id(content)
        rating = content.get("rating")
        if not isinstance(rating, int):
            raise HelpRefused("A rating is 1 (helpful) or -1 (not helpful).")
        await database_sync_to_async(rate_reply)(self.scope["user"], request_id, rating)
        await self._send_request(request_id)

    async def _follow(self, request_id: int) -> None:
        if request_id not in self.followed:
            self.followed.add(request_id)
            await self.channel_layer.group_add(request_group(request_id), self.channel_name)
        await database_sync_to_async(streams.mark_watched)(request_id)

    async def ai_delta(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {
                "type": "delta",
                "request_id": event["request_id"],
                "seq": event["seq"],
                "text": event["text"],
            }
        )

    async def ai_changed(self, event: dict[str, Any]) -> None:
        await self._send_request(event["request_id"])

    async def _send_request(self, request_id: int) -> bool:
        payload = await self._own_payload(request_id)
        if payload is None:
            await self._error("No such request.")
            return False
        await self.send_json({"type": "request", "request": payload})
        if payload["status"] in {"done", "failed", "cancelled"}:
            self.followed.discard(request_id)
        return True

    async def _watch_followed(self) -> None:
        """Keep followed answers alive, tell queued students their place, catch dead workers."""
        while True:
            await asyncio.sleep(WATCHDOG_SECONDS)
            for request_id in list(self.followed):
                await self._check(request_id)

    async def _check(self, request_id: int) -> None:
        update = await self._watchdog_step(request_id)
        if update is not None:
            await self.send_json(update)

    @database_sync_to_async
    def _watchdog_step(self, request_id: int) -> dict[str, Any] | None:
        ai_request = own_request(self.scope["user"], request_id)
        if ai_request is None or ai_request.is_finished:
            self.followed.discard(request_id)
            return None
        streams.mark_watched(request_id)
        if ai_request.status == AiRequest.Status.QUEUED:
            place = queue_place(ai_request, settings.LLM_PARALLEL_REQUESTS)
            return {
                "type": "queue",
                "request_id": request_id,
                "position": place.position,
                "estimated_wait_seconds": place.estimated_wait_seconds,
            }
        if not streams.is_alive(request_id):
            fail_request(request_id, WORKER_LOST_MESSAGE)
        return None

    @database_sync_to_async
    def _own_payload(self, request_id: int) -> dict[str, Any] | None:
        ai_request = own_request(self.scope["user"], request_id)
        return None if ai_request is None else request_payload(ai_request)

    @database_sync_to_async
    def _visible_exercise(self, slug: str) -> Exercise | None:
        return Exercise.objects.filter(slug=slug, is_hidden=False).first()

    async def _error(self, message: str) -> None:
        await self.send_json({"type": "error", "message": message})


def _request_id(content: dict[str, Any]) -> int:
    value = content.get("request_id")
    if not isinstance(value, int):
        raise HelpRefused("request_id must be a number.")
    return value
