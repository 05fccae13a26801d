from celery import shared_task


# No acks_late: an answer half streamed to a student is not replayed by another worker; the
# socket's watchdog marks it failed and the student asks again.
@shared_task(time_limit=600, soft_time_limit=570)
def generate_reply_task(request_id: int) -> None:
    # Imported here: torch and transformers load only in llm workers, never in the web process.
    from tutor.assist.services.generation import generate_reply

    generate_reply(request_id)


# Low priority by construction: it writes only while no student's request waits or runs, and
# stops its answer when one arrives (services/answers_ahead.py). Idempotent: a redelivery
# skips what is written.
@shared_task(time_limit=1800, soft_time_limit=1770)
def write_answers_ahead_task(exercise_id: int) -> None:
    from tutor.assist.services.answers_ahead import write_answers_ahead

    write_answers_ahead(exercise_id)
