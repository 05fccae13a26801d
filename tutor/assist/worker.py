"""The llm worker loads its model when it starts, so the first student does not wait for it."""

import logging
import os
import threading
import time
from typing import Any

from celery.signals import worker_ready
from django.conf import settings

logger = logging.getLogger(__name__)
LLM_QUEUE = "llm"
# Well inside model_status.STALE_AFTER_SECONDS, so that an idle worker still shows as up.
PUBLISH_EVERY_SECONDS = 30


@worker_ready.connect
def load_model_in_llm_workers(sender: Any, **kwargs: Any) -> None:
    if LLM_QUEUE not in sender.app.amqp.queues.consume_from:
        return
    threading.Thread(target=_load_and_publish, name="llm-model-loader", daemon=True).start()


def lower_generation_priority() -> int:
    """Make this thread, and every thread it starts, yield the CPU to pages and grading.

    On one lab server the model would otherwise take both cores from daphne and the runner
    worker: a student's Run must not wait for someone else's hint. Linux keeps a nice value per
    thread and new threads inherit it, so calling this before the engine starts its scheduler
    (and torch or llama.cpp their compute threads) lowers exactly the model's work; the worker's
    own threads, which only relay tokens, stay at normal priority.
    """
    wanted = int(settings.LLM_NICE)
    current = os.nice(0)
    if wanted > current:
        current = os.nice(wanted - current)
    return current


def _load_and_publish() -> None:
    lower_generation_priority()
    # Imported here: torch and transformers load only in llm workers, never in the web process.
    from tutor.assist.engine import get_engine
    from tutor.assist.model_status import publish_engine_status, publish_load_error
    from tutor.llm.embedded import EmbeddedModelMissing
    from tutor.llm.loading import ModelLoadError

    try:
        engine, loaded = get_engine()
    except (ModelLoadError, EmbeddedModelMissing) as error:
        # Requests will fail with this message too; the log says it at once.
        logger.error("The llm worker has no model: %s", error)
        publish_load_error(str(error))
        return
    # Measured before the worker says it is up, so that the first request is admitted on it.
    _calibrate(engine)
    publish_engine_status(engine, loaded.info, ask_server=True)
    _keep_publishing()


def _calibrate(engine: Any) -> None:
    """Measures the model's speed before the first student asks (calibration.py)."""
    from tutor.assist.calibration import calibrate, publish_speed

    try:
        calibrate(engine)
        publish_speed(engine)
    except Exception:
        # Admission then falls back to recent answers (selectors/admission.py).
        logger.exception("Could not measure the model's speed")


def _keep_publishing() -> None:
    """Republish the status now and then: it tells the model page the worker is still up."""
    from tutor.assist.calibration import publish_speed
    from tutor.assist.engine import get_engine
    from tutor.assist.model_status import publish_engine_status

    while True:
        time.sleep(PUBLISH_EVERY_SECONDS)
        try:
            engine, loaded = get_engine()
            publish_engine_status(engine, loaded.info, ask_server=True)
            publish_speed(engine)
        except Exception:
            # Redis restarting, say: try again next time rather than stop reporting for good.
            logger.exception("Could not publish the llm worker's status")
