"""While the model is idle it writes answers ahead for an exercise's likely mistakes (in the
llm worker: it loads the model; the web process plans them with services/ahead_plans.py).

The likely mistakes are single-line mutants of the reference solution (tutor/grounding/
mutants.py: a loop bound off by one, a comparison flipped, a case dropped...). Each runs against
the visible tests in the sandbox, as a student's Run would; its failure's signature keys the
answer the model writes for it, through the same guard as any answer, so the first student who
makes that mistake is answered at once (services/shared_answers.py). The instructor reviews and
edits these on the exercise's answers page (tutor/live/views.py).

Never ahead of a student: the task starts only when no student's request waits or runs, and an
answer being written ahead is stopped as soon as one does; then it tries again later. Bounded:
at most LLM_AHEAD_PER_EXERCISE answers per exercise, ever (an instructor's edit does not count).
"""

import logging
import time

from django.conf import settings

from exercises.models import Exercise
from tutor.assist.engine import ServingEngine, answer_limits, get_engine
from tutor.assist.guarding import stream_guard
from tutor.assist.models import AiRequest, SharedAnswer
from tutor.assist.selectors.likely_mistakes import LikelyMistake, likely_mistakes
from tutor.assist.selectors.prompting import hint_context_for_run
from tutor.assist.selectors.shared_answers import Failure
from tutor.assist.services.ahead_plans import answers_ahead_wanted, enqueue_answers_ahead
from tutor.assist.services.generation import without_nul
from tutor.grounding.mutants import KIND_LABELS
from tutor.llm.prompts import PromptError, Task
from tutor.llm.remote_prompts import build_any_prompt
from tutor.llm.requests import Finished, TokenDelta

logger = logging.getLogger(__name__)

# The first hint a student asks for: the one a class asks for at once.
AHEAD_HINT_LEVELS = (1,)
# Busy with students: try again after this long.
RETRY_SECONDS = 30
CHECK_EVERY_SECONDS = 0.25


def write_answers_ahead(exercise_id: int) -> int:
    """Write the missing answers for the exercise's likely mistakes; how many were written.
    Idempotent: an answer already stored for a mistake's signature and level is not rewritten."""
    exercise = Exercise.objects.filter(pk=exercise_id).first()
    if exercise is None or not answers_ahead_wanted(exercise):
        return 0
    budget = settings.LLM_AHEAD_PER_EXERCISE - _written_ahead(exercise)
    written = 0
    engine = None
    for mistake in likely_mistakes(exercise):
        for level in AHEAD_HINT_LEVELS:
            if written >= budget:
                return written
            if _answered(exercise, mistake.failure, level):
                continue
            if students_waiting():
                enqueue_answers_ahead(exercise_id, countdown=RETRY_SECONDS)
                return written
            engine = engine or get_engine()[0]
            text = _write(engine, exercise, mistake, level)
            if text is None:
                continue
            _store(exercise, mistake, level, text)
            written += 1
    return written


def students_waiting() -> bool:
    """A student's request is queued or being answered: the model is theirs."""
    return AiRequest.objects.filter(
        status__in=[AiRequest.Status.QUEUED, AiRequest.Status.RUNNING]
    ).exists()


def _write(
    engine: ServingEngine, exercise: Exercise, mistake: LikelyMistake, level: int
) -> str | None:
    """The model's whole answer if the guard let it through unchanged, else None."""
    _, loaded = get_engine()
    limits = answer_limits()
    context = hint_context_for_run(
        exercise, code=mistake.mutant.source, result=mistake.result, hint_level=level
    )
    try:
        prompt = build_any_prompt(
            loaded,
            Task.HINT,
            context,
            max_new_tokens=limits.max_new_tokens,
            max_prompt_tokens=limits.max_prompt_tokens,
            style=limits.style,
        )
    except PromptError as error:
        logger.info("No answer ahead for %s: %s", exercise.slug, error)
        return None
    guard = stream_guard(exercise, mistake.mutant.source)
    handle = engine.submit(prompt.request(deadline_seconds=settings.LLM_REQUEST_SECONDS))
    next_check = 0.0
    for event in handle.events(status_every_seconds=CHECK_EVERY_SECONDS):
        if isinstance(event, Finished):
            verdict = guard.finish().verdict
            if event.reason != "stop" or verdict.verdict != "allow" or not event.text.strip():
                return None
            return without_nul(event.text)
        if isinstance(event, TokenDelta):
            guard.push(without_nul(event.text))
            if guard.blocked:
                handle.cancel()
        if time.monotonic() >= next_check:
            next_check = time.monotonic() + CHECK_EVERY_SECONDS
            if students_waiting():
                handle.cancel()  # Finished("cancelled") follows: not stored
    return None


def _store(exercise: Exercise, mistake: LikelyMistake, level: int, text: str) -> SharedAnswer:
    signature = mistake.failure.signature
    return SharedAnswer.objects.create(
        exercise=exercise,
        signature=mistake.failure.key,
        signature_parts=signature.to_dict(),
        kind=AiRequest.Kind.HINT,
        hint_level=level,
        source=SharedAnswer.Source.AHEAD,
        label=KIND_LABELS.get(mistake.mutant.kind, mistake.mutant.kind),
        text=text,
        line=signature.line,
    )


def _answered(exercise: Exercise, failure: Failure, level: int) -> bool:
    return SharedAnswer.objects.filter(
        exercise=exercise,
        signature=failure.key,
        kind=AiRequest.Kind.HINT,
        hint_level=level,
        course=None,
    ).exists()


def _written_ahead(exercise: Exercise) -> int:
    return SharedAnswer.objects.filter(exercise=exercise, source=SharedAnswer.Source.AHEAD).count()
