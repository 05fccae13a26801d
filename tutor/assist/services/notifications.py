"""Tell the sockets following an AI request what happened; only small events travel.

The text is also kept in Redis and the row: a socket that missed an event catches up.
"""

from tutor.assist.models import AiRequest
from tutor.group_sends import send_news
from tutor.groups import AiChanged, AiDelta, request_group


def notify_delta(request_id: int, seq: int, text: str) -> None:
    event = AiDelta(type="ai.delta", request_id=request_id, seq=seq, text=text)
    send_news(request_group(request_id), event)


def notify_started(request_id: int) -> None:
    _notify_changed(request_id)


def notify_finished(ai_request: AiRequest) -> None:
    _notify_changed(ai_request.pk)


def _notify_changed(request_id: int) -> None:
    send_news(request_group(request_id), AiChanged(type="ai.changed", request_id=request_id))
