"""The largest request body the site takes (REQUEST_BODY_MAX_BYTES): checked before Django reads it.

Django's ASGI handler spools a whole body to a temporary file before any view runs, and none of
its own limits (DATA_UPLOAD_MAX_MEMORY_SIZE counts form fields, not files) stops a 10 GB upload
filling the disk. This middleware answers 413 to a body that declares more, and ends one that
turns out longer than it declared (or is chunked) as a disconnect, which Django abandons.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
TOO_LARGE = 413


def declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodySizeLimit:
    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.application(scope, receive, send)
        limit: int = settings.REQUEST_BODY_MAX_BYTES
        length = declared_length(scope)
        if length is not None and length > limit:
            return await _refuse(send, limit)
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    return {"type": "http.disconnect"}
            return message

        return await self.application(scope, bounded_receive, send)


async def _refuse(send: Send, limit: int) -> None:
    text = (
        f"The request is larger than the server accepts ({limit // 2**20} MiB). "
        "Send a smaller file.\n"
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": TOO_LARGE,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(text)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": text})
