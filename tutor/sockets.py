"""The base of LabTutor's JSON WebSockets: message dispatch and clear errors for bad input."""

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class SocketRefusal(Exception):
    """A message is refused; the text is shown to the student."""

    def __init__(self, message: str, retry_after_seconds: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class JsonSocket(AsyncJsonWebsocketConsumer):
    """Dispatches {"type": "x", ...} to handle_x; a refusal or bad message gets an error reply."""

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            await self.send_error("Send a JSON object.")
            return
        kind = content.get("type")
        handler = getattr(self, f"handle_{kind}", None) if isinstance(kind, str) else None
        if handler is None:
            await self.send_error(f"Unknown message type {kind!r}.")
            return
        try:
            await handler(content)
        except SocketRefusal as refusal:
            await self.send_error(str(refusal), refusal.retry_after_seconds)

    async def send_error(self, message: str, retry_after_seconds: float | None = None) -> None:
        error: dict[str, Any] = {"type": "error", "message": message}
        if retry_after_seconds is not None:
            error["retry_after_seconds"] = round(retry_after_seconds, 1)
        await self.send_json(error)
