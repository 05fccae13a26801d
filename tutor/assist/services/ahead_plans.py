"""Plan writing answers ahead for an exercise (services/answers_ahead.py, in the llm worker).

Light on purpose: the web process calls it when a student opens an exercise, and must not load
the model's libraries.
"""

import logging

from django.conf import settings
from django.db import transaction

from exercises.models import Exercise
from tutor.redis_client import redis_client

logger = logging.getLogger(__name__)

# An exercise is planned at most this often (each open page would plan it again).
PLAN_EVERY_SECONDS = 600


def plan_answers_ahead(exercise: Exercise) -> bool:
    """Enqueue writing answers ahead for the exercise (once per PLAN_EVERY_SECONDS); True if
    enqueued. Called when a student opens the exercise: what the class works on next."""
    if not answers_ahead_wanted(exercise):
        return False
    key = f"{settings.LIVE_STATE_PREFIX}:ahead:planned:{exercise.pk}"
    try:
        if not redis_client().set(key, b"1", nx=True, ex=PLAN_EVERY_SECONDS):
            return False
        transaction.on_commit(lambda: enqueue_answers_ahead(exercise.pk, countdown=0))
    except Exception:
        # A page must not fail because the model could not be told to prepare.
        logger.warning("Could not plan answers ahead for %s", exercise.slug, exc_info=True)
        return False
    return True


def answers_ahead_wanted(exercise: Exercise) -> bool:
    """Turned on, and a Python reference to make mutants from (from its syntax tree)."""
    return (
        settings.LLM_AHEAD_PER_EXERCISE > 0
        and exercise.language == "python"
        and bool(exercise.solution_code.strip())
    )


def enqueue_answers_ahead(exercise_id: int, *, countdown: float) -> None:
    from tutor.assist.tasks import write_answers_ahead_task

    write_answers_ahead_task.apply_async((exercise_id,), countdown=countdown)
