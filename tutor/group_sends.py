"""Sending to channel-layer groups from synchronous code: services, views, Celery tasks.

async_to_sync(layer.group_send), called from a thread with no event loop (a Celery worker's
thread, say), starts a thread and an event loop for that one call, and channels_redis, which
keeps its Redis connections per event loop, connects anew: 2.3 ms of CPU per message on the
2-core lab CPU. The llm worker sends a message for every chunk of every streamed answer, and that
CPU came out of the model's decoding (bench/llm_pipeline.py). Here every such send goes through
one event loop per process that lives in a thread of its own and keeps its connections.
"""

import asyncio
import logging
import os
import threading
from collections.abc import Mapping
from typing import Any

from channels.layers import BaseChannelLayer, get_channel_layer

from tutor.groups import GroupEvent

logger = logging.getLogger(__name__)

# A send that has not finished by then raises (Redis down); callers log and go on.
SEND_TIMEOUT_SECONDS = 10.0

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_loop_pid = 0


def send_news(group: str, event: GroupEvent) -> None:
    """group_send for news whose subject is already stored: a receiver that misses it reads the
    row on its next reconnect, so a failure is logged and never raised to the caller."""
    try:
        group_send(group, event)
    except Exception:
        logger.warning("Could not send %s to group %s", event["type"], group, exc_info=True)


def group_send(group: str, event: Mapping[str, Any]) -> None:
    """Sends an event to a group and waits until the layer took it; raises what the layer
    raises. Does nothing without a channel layer."""
    if _running_loop() is not None:
        raise RuntimeError("group_send blocks: from async code, await layer.group_send instead")
    layer = get_channel_layer()
    if layer is None:
        return
    _send(layer, group, event)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _send(layer: BaseChannelLayer, group: str, event: Mapping[str, Any]) -> None:
    future = asyncio.run_coroutine_threadsafe(layer.group_send(group, dict(event)), _sending_loop())
    try:
        future.result(timeout=SEND_TIMEOUT_SECONDS)
    except TimeoutError:
        future.cancel()  # not left to pile up in the loop behind a Redis that hangs
        raise


def _sending_loop() -> asyncio.AbstractEventLoop:
    """This process's sending loop, started on first use. A forked child (Celery's prefork
    pool) has the parent's variables but not its threads: it starts a loop of its own."""
    global _loop, _loop_pid
    with _lock:
        if _loop is None or _loop_pid != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(
                target=loop.run_forever, name="labtutor-group-sends", daemon=True
            ).start()
            _loop, _loop_pid = loop, os.getpid()
        return _loop
