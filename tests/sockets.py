"""Helpers for WebsocketCommunicator tests."""

from channels.testing import WebsocketCommunicator


async def end_closed(communicator: WebsocketCommunicator, code: int) -> None:
    """Ends a consumer that closed its socket, the way daphne does: with websocket.disconnect.

    A closed consumer left running keeps a channel-layer receive open on Redis, and cancelling
    that when the test's event loop closes stalled a CI run for 300 s.
    """
    await communicator.send_input({"type": "websocket.disconnect", "code": code})
    await communicator.wait(timeout=10)


async def refused_code(communicator: WebsocketCommunicator) -> int:
    """Connects, asserts the socket is refused, ends the consumer and returns the close code."""
    connected, code = await communicator.connect(timeout=10)
    assert not connected, "the socket was accepted"
    await end_closed(communicator, code)
    return int(code)
