"""Group sends from synchronous code go through one long-lived event loop per process."""

import asyncio
import threading

import pytest
from channels.layers import get_channel_layer

from tutor import group_sends


def sending_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "labtutor-group-sends"]


def receive(channel: str) -> dict[str, object]:
    async def take() -> dict[str, object]:
        layer = get_channel_layer()
        assert layer is not None
        return await asyncio.wait_for(layer.receive(channel), timeout=5)

    return asyncio.run(take())


def new_channel_in_group(group: str) -> str:
    async def join() -> str:
        layer = get_channel_layer()
        assert layer is not None
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        return channel

    return asyncio.run(join())


def test_events_sent_from_many_threads_arrive_through_one_sending_loop() -> None:
    channel = new_channel_in_group("group-sends-test")
    group_sends.group_send("group-sends-test", {"type": "test.event", "number": -1})
    loop, threads = group_sends._loop, sending_threads()
    senders = [
        threading.Thread(
            target=group_sends.group_send,
            args=("group-sends-test", {"type": "test.event", "number": number}),
        )
        for number in range(4)
    ]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()

    numbers = sorted(int(str(receive(channel)["number"])) for _ in range(5))

    assert numbers == [-1, 0, 1, 2, 3]
    assert group_sends._loop is loop
    assert sending_threads() == threads


def test_a_forked_process_starts_a_sending_loop_of_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    channel = new_channel_in_group("group-sends-fork-test")
    group_sends.group_send("group-sends-fork-test", {"type": "test.event"})
    parents_loop = group_sends._loop
    # What a prefork child sees: the parent's loop object, whose thread did not come along.
    monkeypatch.setattr(group_sends, "_loop_pid", -1)

    group_sends.group_send("group-sends-fork-test", {"type": "test.event"})

    assert group_sends._loop is not parents_loop
    assert receive(channel)["type"] == "test.event"
    assert receive(channel)["type"] == "test.event"
    assert parents_loop is not None
    parents_loop.call_soon_threadsafe(parents_loop.stop)


def test_async_code_is_told_to_await_instead() -> None:
    async def from_a_consumer() -> None:
        group_sends.group_send("group-sends-test", {"type": "test.event"})

    with pytest.raises(RuntimeError, match=r"await layer\.group_send"):
        asyncio.run(from_a_consumer())


class HangingLayer:
    """A channel layer whose Redis never answers."""

    def __init__(self) -> None:
        self.cancelled = threading.Event()

    async def group_send(self, group: str, message: dict[str, object]) -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            self.cancelled.set()
            raise


def test_a_send_that_hangs_raises_after_its_timeout_and_is_cancelled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    layer = HangingLayer()
    monkeypatch.setattr(group_sends, "get_channel_layer", lambda: layer)
    monkeypatch.setattr(group_sends, "SEND_TIMEOUT_SECONDS", 0.2)

    with pytest.raises(TimeoutError):
        group_sends.group_send("group-sends-test", {"type": "test.event"})

    assert layer.cancelled.wait(timeout=5)
