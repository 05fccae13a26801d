"""Tell a student's open workspace pages that the feedback on their code changed.

Only the comment's id travels through the channel layer: the workspace socket re-reads the row
and checks that it belongs to its own student and exercise before showing it.
"""

import logging

from django.db import transaction

from tutor.group_sends import group_send
from tutor.workspace.groups import workspace_group

logger = logging.getLogger(__name__)


def notify_feedback_added(student_id: int, exercise_id: int, comment_id: int) -> None:
    _on_commit(student_id, exercise_id, {"type": "feedback.added", "comment_id": comment_id})


def notify_feedback_removed(student_id: int, exercise_id: int, comment_id: int) -> None:
    _on_commit(student_id, exercise_id, {"type": "feedback.removed", "comment_id": comment_id})


def _on_commit(student_id: int, exercise_id: int, event: dict[str, object]) -> None:
    # After commit: a socket that reads the comment before then would not find it.
    transaction.on_commit(lambda: _send(workspace_group(student_id, exercise_id), event))


def _send(group: str, event: dict[str, object]) -> None:
    try:
        group_send(group, event)
    except Exception:
        # The comment is stored: a page that missed the event shows it in its next hello.
        logger.warning("Could not tell group %s about %s", group, event, exc_info=True)
