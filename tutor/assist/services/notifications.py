"""Tell the sockets following an AI request what happened; only small events travel."""

import logging
from typing import Any

from tutor.assist.models import AiRequest
from tutor.group_sends import group_send

logger = logging.getLogger(__name__)


def request_group(request_id: int) -> str:
    return f"ai_{request_id}"


def send_to_request(request_id: int, event: dict[str, Any]) -> None:
    try:
        group_send(request_group(request_id), event)
    except Exception:
        # The text is also kept in Redis and the row; a socket that missed it catches up.
        logger.warning("Could not reach the sockets of AI request %s", request_id, exc_info=True)


def notify_delta(request_id: int, seq: int, text: str) -> None:
    send_to_request(
        request_id, {"type": "ai.delta", "request_id": request_id, "seq": seq, "text": text}
    )


def notify_started(request_id: int) -> None:
    send_to_request(request_id, {"type": "ai.changed", "request_id": request_id})


def notify_finished(ai_request: AiRequest) -> None:
    send_to_request(ai_request.pk, {"type": "ai.changed", "request_id": ai_request.pk})
