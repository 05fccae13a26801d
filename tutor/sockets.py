"""The base of LabTutor's JSON WebSockets: message dispatch and clear errors for bad input."""

import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, NotRequired, TypedDict

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import BaseChannelLayer
from django.conf import settings
from django.contrib.auth.models import User

from tutor.outages import DATABASE_OUTAGES, DATABASE_UNAVAILABLE, LIVE_UNAVAILABLE, REDIS_OUTAGES

logger = logging.getLogger(__name__)

FLOOD_MESSAGE = "Too many messages at once; slow down."
# Closed after telling the page that Redis is down: the page reconnects with backoff and its new
# socket joins fresh groups (a restarted Redis has forgotten the old ones).
CLOSE_TRY_AGAIN_LATER = 1013


# Handles one message from the browser, {"type": ..., ...}.
Handler = Callable[[dict[str, Any]], Awaitable[None]]


class ErrorMessage(TypedDict):
    type: Literal["error"]
    message: str  # for the student
    retry_after_seconds: NotRequired[float]


@dataclass(frozen=True)
class SocketLink:
    """What a part of a socket may use of it: who is connected, and how to reach the page.

    A consumer made of parts gives each the same link; a part keeps its own state and groups
    and has explicit start/stop, so nothing is shared between parts behind the link.
    """

    user: User
    channel_name: str
    channel_layer: BaseChannelLayer
    send: Callable[[Mapping[str, Any]], Awaitable[None]]

    async def join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)

    async def leave(self, group: str) -> None:
        await self.channel_layer.group_discard(group, self.channel_name)


class SocketRefusal(Exception):
    """A message is refused; the text is shown to the student."""

    def __init__(self, message: str, retry_after_seconds: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class JsonSocket(AsyncJsonWebsocketConsumer):
    """Dispatches {"type": "x", ...} to message_handlers()["x"]; a refusal or bad message gets
    an error reply.

    A socket that sends more than SOCKET_FLOOD_MESSAGES messages in SOCKET_FLOOD_SECONDS gets an
    error with retry_after_seconds for each message over the limit, and that message is dropped.
    """

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        retry_after = self._flood_wait()
        if retry_after is not None:
            await self.send_error(FLOOD_MESSAGE, retry_after)
            return
        if not isinstance(content, dict):
            await self.send_error("Send a JSON object.")
            return
        kind = content.get("type")
        handler = self.message_handlers().get(kind) if isinstance(kind, str) else None
        if handler is None:
            await self.send_error(f"Unknown message type {kind!r}.")
            return
        try:
            await handler(content)
        except SocketRefusal as refusal:
            await self.send_error(str(refusal), refusal.retry_after_seconds)
        except DATABASE_OUTAGES as error:
            # Every message gets its one answer, and the socket stays open for the next try.
            logger.error("Database unavailable for a %r message: %s", kind, error)
            await self.send_error(DATABASE_UNAVAILABLE)
        except REDIS_OUTAGES as error:
            logger.error("Redis unavailable for a %r message: %s", kind, error)
            await self.send_error(LIVE_UNAVAILABLE)
            await self.close(code=CLOSE_TRY_AGAIN_LATER)

    def message_handlers(self) -> Mapping[str, Handler]:
        """The messages this socket takes, by type."""
        return {}

    def _flood_wait(self) -> float | None:
        """Counts this message; None if it may pass, else the seconds until one may."""
        limit, window = settings.SOCKET_FLOOD_MESSAGES, settings.SOCKET_FLOOD_SECONDS
        if limit <= 0:
            return None
        if not hasattr(self, "_recent_messages"):
            self._recent_messages: deque[float] = deque()
        recent, now = self._recent_messages, time.monotonic()
        while recent and recent[0] <= now - window:
            recent.popleft()
        if len(recent) >= limit:
            # Dropped messages do not count: a client that waits as told gets through.
            return max(recent[0] + window - now, 0.1)
        recent.append(now)
        return None

    async def send_error(self, message: str, retry_after_seconds: float | None = None) -> None:
        error = ErrorMessage(type="error", message=message)
        if retry_after_seconds is not None:
            error["retry_after_seconds"] = round(retry_after_seconds, 1)
        await self.send_json(error)
