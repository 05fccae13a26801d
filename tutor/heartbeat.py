"""A thread that renews a heartbeat while a block of work runs.

Grading and AI answers mark their work alive with a short-lived Redis key, and a sweep takes work
whose key lapsed for work whose worker died. The working thread itself cannot renew the key while
it blocks for seconds (a sandbox run), so a thread of its own does.
"""

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)


@contextmanager
def beating(
    beat: Callable[[], None], every_seconds: float, name: str, at_most_seconds: float = math.inf
) -> Iterator[None]:
    """Calls beat() at once and then every every_seconds until the block ends, or until
    at_most_seconds have passed, so that work stuck for good still shows as dead. A beat that
    fails (Redis restarting) is logged; the next one may land."""
    stop = threading.Event()
    give_up_at = time.monotonic() + at_most_seconds

    def keep_beating() -> None:
        while time.monotonic() < give_up_at:
            try:
                beat()
            except Exception as error:
                logger.warning("Heartbeat %s failed: %s", name, error)
            if stop.wait(every_seconds):
                return

    thread = threading.Thread(target=keep_beating, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every_seconds)
