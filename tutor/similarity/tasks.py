from celery import shared_task

from tutor.similarity.services import run_report


# A class of 200 programs of 50 lines takes seconds; the limit is for a class far larger.
@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=1800, soft_time_limit=1780)
def similarity_report_task(report_id: int) -> None:
    run_report(report_id)
