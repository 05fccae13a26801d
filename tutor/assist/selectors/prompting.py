"""Gather what the model is shown for one request: the exercise, the code, the failing tests."""

from typing import Any

from exercises.models import Exercise, Submission
from exercises.selectors.submissions import redact_result_for_student
from exercises.services.results import StoredResult
from tutor.assist.models import AiRequest
from tutor.grounding.summary import evidence_section, grounded_hint
from tutor.llm.prompts import PromptContext, Span, Turn

MAX_FAILURES_SHOWN = 3
MAX_TURNS = 6
# The requests whose prompt carries what the code did (a level 1 hint names a concept, a level 3
# one outlines a plan: neither points at lines).
GROUNDED_KINDS = (AiRequest.Kind.EXPLAIN_ERROR, AiRequest.Kind.ASK)
GROUNDED_HINT_LEVEL = 2


def prompt_context_for(ai_request: AiRequest) -> PromptContext:
    exercise = ai_request.exercise
    context = ai_request.context
    level = ai_request.hint_level or 1
    submission = _latest_graded(ai_request)
    result = redact_result_for_student(submission.result) if submission is not None else None
    return PromptContext(
        exercise_title=exercise.title,
        exercise_statement=exercise.statement_md,
        language=exercise.language,
        student_code=str(context.get("code", "")),
        student_filename=exercise.student_filename,
        selection=_span(context.get("selection")),
        cursor_offset=_int_or_none(context.get("cursor")),
        test_output=format_failures(result) if result is not None else "",
        # The authored ladder up to the level asked for grounds the model's hint.
        authored_hints=tuple(exercise.hints[:level]),
        hint_level=level,
        question=str(context.get("question", "")),
        recent_turns=_recent_turns(ai_request) if ai_request.kind == AiRequest.Kind.ASK else (),
        evidence=_evidence(ai_request, submission, result or StoredResult()) if submission else "",
    )


def _latest_graded(ai_request: AiRequest) -> Submission | None:
    """The student's latest graded submission (the one the request names, if it names one)."""
    submission_id = ai_request.context.get("submission_id")
    submissions = Submission.objects.filter(
        student_id=ai_request.student_id, exercise_id=ai_request.exercise_id
    )
    if isinstance(submission_id, int):
        submissions = submissions.filter(pk=submission_id)
    return submissions.exclude(result=None).order_by("-created_at").first()


def wants_evidence(ai_request: AiRequest) -> bool:
    if ai_request.kind == AiRequest.Kind.HINT:
        return ai_request.hint_level == GROUNDED_HINT_LEVEL
    return ai_request.kind in GROUNDED_KINDS


def _evidence(ai_request: AiRequest, submission: Submission, result: StoredResult) -> str:
    """The evidence section, only when the code asked about is the code that ran: line
    numbers of other code would point at the wrong lines. Hidden tests carry none (redacted)."""
    if not wants_evidence(ai_request) or submission.code != ai_request.context.get("code"):
        return ""
    exercise = ai_request.exercise
    return evidence_section(
        result,
        file=exercise.student_filename,
        source=str(ai_request.context.get("code", "")),
        reference=exercise.solution_code,
    )


def grounded_hint_for(ai_request: AiRequest) -> str | None:
    """A level 2 hint written from the evidence alone (for the demo model), or None."""
    if ai_request.kind != AiRequest.Kind.HINT or ai_request.hint_level != GROUNDED_HINT_LEVEL:
        return None
    submission = _latest_graded(ai_request)
    if submission is None or submission.code != ai_request.context.get("code"):
        return None
    return grounded_hint(
        redact_result_for_student(submission.result) or StoredResult(),
        file=ai_request.exercise.student_filename,
        source=str(ai_request.context.get("code", "")),
        reference=ai_request.exercise.solution_code,
    )


def format_failures(result: StoredResult) -> str:
    failing = [
        test
        for test in result.get("tests", [])
        if test.get("outcome") in {"failed", "error"} and not test.get("hidden")
    ]
    if not failing:
        return str(result.get("message", ""))
    parts = []
    for test in failing[:MAX_FAILURES_SHOWN]:
        lines = [f"{test['outcome'].upper()}: {test['name']}"]
        if test.get("expected") is not None and test.get("actual") is not None:
            lines.append(f"expected: {test['expected']}\nactual:   {test['actual']}")
        if test.get("traceback"):
            lines.append(str(test["traceback"]).strip())
        elif test.get("message"):
            lines.append(str(test["message"]).strip())
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _span(value: Any) -> Span | None:
    if isinstance(value, dict):
        start, end = _int_or_none(value.get("start")), _int_or_none(value.get("end"))
        if start is not None and end is not None and 0 <= start <= end:
            return Span(start, end)
    return None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _recent_turns(ai_request: AiRequest) -> tuple[Turn, ...]:
    """The conversation so far, from the stored requests: a browser cannot invent tutor turns."""
    earlier = AiRequest.objects.filter(
        student_id=ai_request.student_id,
        exercise_id=ai_request.exercise_id,
        kind=AiRequest.Kind.ASK,
        status=AiRequest.Status.DONE,
        created_at__lt=ai_request.created_at,
    ).order_by("-created_at")[: MAX_TURNS // 2]
    turns: list[Turn] = []
    for previous in reversed(earlier):
        turns.append(Turn(role="student", text=str(previous.context.get("question", ""))))
        turns.append(Turn(role="tutor", text=previous.reply))
    return tuple(turns)


def hint_context_for_run(
    exercise: Exercise, *, code: str, result: StoredResult, hint_level: int
) -> PromptContext:
    """A hint's prompt for code that ran with this (visible tests only) result, with no student
    behind it: an answer written ahead for a likely mistake (services/answers_ahead.py)."""
    return PromptContext(
        exercise_title=exercise.title,
        exercise_statement=exercise.statement_md,
        language=exercise.language,
        student_code=code,
        student_filename=exercise.student_filename,
        test_output=format_failures(result),
        authored_hints=tuple(exercise.hints[:hint_level]),
        hint_level=hint_level,
        evidence=(
            evidence_section(result, file=exercise.student_filename, source=code)
            if hint_level == GROUNDED_HINT_LEVEL
            else ""
        ),
    )
