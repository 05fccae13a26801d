"""Tell a student's open workspace pages that the feedback on their code changed.

Only the comment's id travels through the channel layer: the workspace socket re-reads the row
and checks that it belongs to its own student and exercise before showing it. The comment is
stored: a page that missed the event shows it in its next hello.
"""

from django.db import transaction

from tutor.group_sends import send_news
from tutor.groups import FeedbackChanged, workspace_group


def notify_feedback_added(student_id: int, exercise_id: int, comment_id: int) -> None:
    _on_commit(
        student_id, exercise_id, FeedbackChanged(type="feedback.added", comment_id=comment_id)
    )


def notify_feedback_removed(student_id: int, exercise_id: int, comment_id: int) -> None:
    event = FeedbackChanged(type="feedback.removed", comment_id=comment_id)
    _on_commit(student_id, exercise_id, event)


def _on_commit(student_id: int, exercise_id: int, event: FeedbackChanged) -> None:
    # After commit: a socket that reads the comment before then would not find it.
    transaction.on_commit(lambda: send_news(workspace_group(student_id, exercise_id), event))
