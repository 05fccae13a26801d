"""An instructor's marks on AI replies."""

from django.contrib.auth.models import User

from tutor.assist.models import AiRequest
from tutor.assist.selectors.log import visible_ai_request


def set_flag(instructor: User, request_id: int, flagged: bool, note: str = "") -> AiRequest | None:
    """Flag (or clear) a reply for review; None when this instructor may not see it."""
    ai_request = visible_ai_request(instructor, request_id)
    if ai_request is None:
        return None
    ai_request.flagged = flagged
    ai_request.flag_note = note.strip() if flagged else ""
    ai_request.save(update_fields=["flagged", "flag_note"])
    return ai_request
