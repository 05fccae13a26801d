"""Tell the browsers watching a submission that it changed.

Only the id travels through the channel layer: each consumer re-reads the row and shows its own
user what that user may see. The result is already stored: a browser that missed the event reads
it on reconnect.
"""

from exercises.models import Submission
from tutor.group_sends import send_news
from tutor.groups import SubmissionChanged, submission_group


def notify_submission_changed(submission: Submission) -> None:
    event = SubmissionChanged(type="submission.changed", submission_id=submission.pk)
    send_news(submission_group(submission.pk), event)
