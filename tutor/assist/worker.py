"""The llm worker loads its model when it starts, so the first student does not wait for it."""

import logging
import threading
from typing import Any

from celery.signals import worker_ready

logger = logging.getLogger(__name__)
LLM_QUEUE = "llm"


@worker_ready.connect
def load_model_in_llm_workers(sender: Any, **kwargs: Any) -> None:
    if LLM_QUEUE not in sender.app.amqp.queues.consume_from:
        return
    threading.Thread(target=_load_and_publish, name="llm-model-loader", daemon=True).start()


def _load_and_publish() -> None:
    # Imported here: torch and transformers load only in llm workers, never in the web process.
    from tutor.assist.engine import get_engine
    from tutor.assist.model_status import publish_status
    from tutor.llm.embedded import EmbeddedModelMissing
    from tutor.llm.loading import ModelLoadError

    try:
        engine, loaded = get_engine()
    except (ModelLoadError, EmbeddedModelMissing) as error:
        # Requests will fail with this message too; the log says it at once.
        logger.error("The llm worker has no model: %s", error)
        return
    publish_status(loaded.info, engine.stats())
