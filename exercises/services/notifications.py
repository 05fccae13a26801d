"""Tell the browsers watching a submission that it changed.

Only the id travels through the channel layer: each consumer re-reads the row and shows its own
user what that user may see.
"""

import logging

from exercises.models import Submission
from tutor.group_sends import group_send

logger = logging.getLogger(__name__)


def submission_group(submission_id: int) -> str:
    return f"submission_{submission_id}"


def notify_submission_changed(submission: Submission) -> None:
    try:
        group_send(
            submission_group(submission.pk),
            {"type": "submission.changed", "submission_id": submission.pk},
        )
    except Exception:
        # The result is already stored; a browser that missed the event reads it on reconnect.
        logger.warning("Could not notify watchers of submission %s", submission.pk, exc_info=True)
