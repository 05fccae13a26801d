"""The solution-leak guard as the tutor uses it: built per request from the exercise."""

from django.conf import settings

from exercises.models import Exercise
from tutor.guard import FinalVerdict, GuardContext, GuardSettings, RunCode, StreamGuard, Verdict
from tutor.sandbox import Limits, SandboxError, SourceFile
from tutor.sandbox.isolated import tests_pass_in_subprocess

BLOCKED_PREFIX = (
    "I can't show that answer: it would give away the solution, and working it out yourself "
    "is the point of the exercise."
)


def guard_context(exercise: Exercise, student_code: str) -> GuardContext:
    return GuardContext(
        solution_code=exercise.solution_code,
        hidden_tests=tuple((test["filename"], test["code"]) for test in exercise.hidden_tests),
        visible_tests=tuple((test["filename"], test["code"]) for test in exercise.visible_tests),
        student_code=student_code,
        starter_code=exercise.starter_code,
        statement=exercise.statement_md,
        module_name=exercise.module,
        language=exercise.language,
    )


def guard_settings() -> GuardSettings:
    return GuardSettings(
        similarity_block=settings.GUARD_SIMILARITY_BLOCK,
        similarity_redact=settings.GUARD_SIMILARITY_REDACT,
        run_code_blocks=settings.GUARD_RUN_CODE_BLOCKS,
        block_message=BLOCKED_PREFIX,
    )


def sandbox_check(exercise: Exercise, context: GuardContext) -> RunCode:
    """Runs a code block as the student's file against every test, in its own process: the
    llm worker is multi-threaded, and the sandbox must fork from a single-threaded one."""
    tests = [
        SourceFile(name, code) for name, code in (*context.visible_tests, *context.hidden_tests)
    ]
    limits = Limits(time_seconds=exercise.time_limit_seconds, memory_mb=exercise.memory_limit_mb)

    def run_code(code: str) -> bool:
        try:
            return tests_pass_in_subprocess(
                exercise.language, [SourceFile(exercise.student_filename, code)], tests, limits
            )
        except SandboxError:
            # Similarity still applies; an unverifiable block is not held up forever.
            return False

    return run_code


class PassThrough:
    """Stands in for the guard when settings.GUARD_ENABLED is off."""

    blocked = False

    def push(self, chunk: str) -> str:
        return chunk

    def finish(self) -> FinalVerdict:
        return FinalVerdict(rest="", verdict=Verdict("allow", "the guard is off", "", []))


def stream_guard(exercise: Exercise, student_code: str) -> StreamGuard | PassThrough:
    if not settings.GUARD_ENABLED:
        return PassThrough()
    context = guard_context(exercise, student_code)
    return StreamGuard(context, guard_settings(), sandbox_check(exercise, context))


def safe_replacement(exercise: Exercise, hint_level: int | None) -> str:
    """What a blocked answer becomes: the refusal and the exercise's own authored hint."""
    hints = list(exercise.hints)
    if not hints:
        return BLOCKED_PREFIX
    hint = hints[min(max(hint_level or 1, 1), len(hints)) - 1]
    return f"{BLOCKED_PREFIX}\n\nHere is a hint instead: {hint}"
