import asyncio
from collections.abc import Callable
from typing import Any

from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User

from tutor.asgi import application


def workspace_socket(user: User | None, slug: str = "add-two") -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        application,
        f"/ws/workspace/{slug}/",
        headers=[(b"origin", b"http://localhost"), (b"host", b"localhost")],
    )
    if user is not None:
        communicator.scope["user"] = user
    return communicator


async def open_workspace(user: User, slug: str = "add-two") -> tuple[WebsocketCommunicator, Any]:
    """A connected socket and the hello message it got first."""
    communicator = workspace_socket(user, slug)
    connected, _ = await communicator.connect(timeout=10)
    assert connected
    hello = await communicator.receive_json_from(timeout=10)
    assert hello["type"] == "hello"
    return communicator, hello


async def receive_until(
    communicator: WebsocketCommunicator,
    done: Callable[[dict[str, Any]], bool],
    timeout: float = 30,
) -> list[dict[str, Any]]:
    """Every message up to and including the first that `done` accepts."""
    messages: list[dict[str, Any]] = []
    async with asyncio.timeout(timeout):
        while True:
            message = await communicator.receive_json_from(timeout=timeout)
            messages.append(message)
            if done(message):
                return messages
