"""Tell students' open exercise pages that their course's AI policy changed.

Each workspace socket joins its student's course groups and re-reads its own AI settings when
told, so a switch on the instructor's page (exam mode, a mode, a budget) shows at once. The
change is stored: a page that misses the news reads it on its next reconnect.
"""

from django.db import transaction

from tutor.group_sends import send_news
from tutor.groups import AiPolicyChanged, policy_group


def notify_policy_changed(course_id: int) -> None:
    """Tells the course's open pages once the current transaction commits."""
    event = AiPolicyChanged(type="ai.policy.changed")
    transaction.on_commit(lambda: send_news(policy_group(course_id), event))
