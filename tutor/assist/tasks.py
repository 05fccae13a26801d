from celery import shared_task


# No acks_late: an answer half streamed to a student is not replayed by another worker; the
# socket's watchdog marks it failed and the student asks again.
@shared_task(time_limit=600, soft_time_limit=570)
def generate_reply_task(request_id: int) -> None:
    # Imported here: torch and transformers load only in llm workers, never in the web process.
    from tutor.assist.services.generation import generate_reply

    generate_reply(request_id)
