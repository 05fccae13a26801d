from celery import shared_task

from tutor.lti.services.grades import send_score


# A failed send leaves the row pending with its next try: the watchdog's sweep sends it again.
@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=120, soft_time_limit=100)
def send_score_task(passback_id: int) -> None:
    send_score(passback_id)
