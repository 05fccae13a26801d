"""Tell students' open exercise pages that their course's AI policy changed.

Each workspace socket joins its student's course groups and re-reads its own AI settings when
told, so a switch on the instructor's page (exam mode, a mode, a budget) shows at once. Errors
are logged, never raised: the change is stored, and a page reads it on its next reconnect.
"""

import logging

from django.db import transaction

from tutor.group_sends import group_send

logger = logging.getLogger(__name__)

POLICY_CHANGED_EVENT = {"type": "ai.policy.changed"}


def policy_group(course_id: int) -> str:
    return f"ai_policy_course_{course_id}"


def notify_policy_changed(course_id: int) -> None:
    """Tells the course's open pages once the current transaction commits."""
    transaction.on_commit(lambda: _send(course_id))


def _send(course_id: int) -> None:
    try:
        group_send(policy_group(course_id), POLICY_CHANGED_EVENT)
    except Exception:
        logger.warning("Could not send course %s's new AI policy", course_id, exc_info=True)
