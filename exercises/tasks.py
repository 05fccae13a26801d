from celery import shared_task
from django.conf import settings

from exercises.services.grading import grade_submission
from tutor.sandbox import SandboxBusy


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.GRADING_TIME_LIMIT_SECONDS,
    soft_time_limit=settings.GRADING_TIME_LIMIT_SECONDS - 10,
    autoretry_for=(SandboxBusy,),
    retry_backoff=2,
    max_retries=10,
)
def grade_submission_task(submission_id: int) -> None:
    grade_submission(submission_id)
