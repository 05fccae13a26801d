"""Every Celery worker's housekeeping thread: it says the worker is alive and recovers lost work.

Started once the worker is ready; each round (WATCHDOG_SECONDS) it stamps the worker alive for
each queue it consumes (tutor/workers.py) and sweeps the stuck work of every queue: what a dead
runner left "running" is graded again (exercises/services/recovery.py), answers a dead llm
worker left are ended (tutor/assist/services/recovery.py), and work waiting for a queue whose
workers are all gone is ended with a message that says so. Every queue, not only its own: the
runner's watchdog is what notices that no llm worker is left, and the other way round. The
first round runs at once, so a worker restarted after a crash picks up its predecessor's work
within seconds rather than after the broker's visibility timeout. Several workers sweeping at
once is safe: every decision re-reads its row under a lock. This is the only place where lost
work is recovered; the students' sockets only read (with every worker gone, work waits, saved,
until one is back).

A thread in the worker rather than Celery beat: nothing more to deploy, and the sweep runs
exactly where a worker able to do the work is alive. Nothing here may stop the worker: a
database or Redis that is down makes a round fail and log once, and the next round tries again.
"""

import logging
import os
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from celery.signals import worker_ready, worker_shutting_down
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def _sweep_runner() -> dict[int, Any]:
    from exercises.services.recovery import sweep_submissions

    return dict(sweep_submissions())


def _sweep_llm() -> dict[int, Any]:
    from tutor.assist.services.recovery import sweep_requests

    return dict(sweep_requests())


def _sweep_lms_scores() -> dict[int, Any]:
    from tutor.lti.services.grades import sweep_pending_scores

    return dict.fromkeys(sweep_pending_scores(), "resent")


SWEEPS: dict[str, Callable[[], dict[int, Any]]] = {
    "runner": _sweep_runner,
    "llm": _sweep_llm,
    # Scores the LMS has not taken yet (it was down, or the message was lost): tutor/lti.
    "lms-scores": _sweep_lms_scores,
}


class Watchdog:
    def __init__(self, name: str, queues: list[str]) -> None:
        self.name = name
        self.queues = queues
        self.stopped = threading.Event()
        self._last_error = ""
        self.thread = threading.Thread(target=self._run, name="labtutor-watchdog", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()

    def _run(self) -> None:
        while True:
            self.round()
            if self.stopped.wait(settings.WATCHDOG_SECONDS):
                break
        self._safely("forget", self._say_gone)

    def round(self) -> None:
        from tutor import workers

        try:
            for queue in self.queues:
                self._safely(f"stamp {queue}", partial(workers.mark_alive, queue, self.name))
            for queue, sweep in SWEEPS.items():
                self._safely(f"sweep {queue}", sweep)
        finally:
            # This thread's own connection: one the database dropped must not be reused.
            connection.close()

    def _say_gone(self) -> None:
        from tutor import workers

        for queue in self.queues:
            workers.mark_gone(queue, self.name)

    def _safely(self, what: str, step: Callable[[], Any]) -> None:
        try:
            step()
        except Exception as error:
            message = f"{what}: {type(error).__name__}: {error}"
            # Once per distinct failure: a database down for an hour must not flood the log.
            if message != self._last_error:
                logger.error("Watchdog could not %s", message)
                self._last_error = message
            return
        if self._last_error.startswith(f"{what}:"):
            logger.warning("Watchdog can %s again", what)
            self._last_error = ""


_watchdogs: list[Watchdog] = []


@worker_ready.connect
def start_watchdog(sender: Any, **kwargs: Any) -> None:
    queues = sorted(set(sender.app.amqp.queues.consume_from) & SWEEPS.keys())
    if not queues:
        return
    hostname = getattr(sender, "hostname", None) or "worker"
    watchdog = Watchdog(f"{hostname}:{os.getpid()}", queues)
    _watchdogs.append(watchdog)
    watchdog.start()


@worker_shutting_down.connect
def stop_watchdogs(**kwargs: Any) -> None:
    for watchdog in _watchdogs:
        watchdog.stop()
    for watchdog in _watchdogs:
        # Its last act is to say the worker is gone, so that nobody waits for it.
        watchdog.thread.join(timeout=3)
