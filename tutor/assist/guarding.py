"""The solution-leak guard as the tutor uses it: built per request from the exercise."""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import replace

from django.conf import settings

from exercises.models import Exercise
from tutor.guard import (
    FinalVerdict,
    Finding,
    GuardContext,
    GuardSettings,
    RunCode,
    StreamGuard,
    Verdict,
    check_reply,
)
from tutor.guard.echo import EchoGuard
from tutor.guard.run_outcome import shows_a_solution
from tutor.guard.sandbox_check import MIN_RUN_SECONDS
from tutor.guard.sandbox_process import shared_process
from tutor.llm.prompts import instruction_texts
from tutor.sandbox import Limits, SandboxError, SourceFile

ECHO_REPLY = (
    "I can't share my instructions. I can help with this exercise: ask me about your code, "
    "an error, or the next step."
)
ECHO_MIN_WORDS = 8
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
    """Runs a code block as the student's file against every test, in the worker's sandbox
    helper process (tutor.guard.sandbox_process: the llm worker is multi-threaded, and the
    sandbox must fork from a single-threaded one). Answers are remembered across replies."""
    tests = [
        SourceFile(name, code) for name, code in (*context.visible_tests, *context.hidden_tests)
    ]
    limits = Limits(time_seconds=exercise.time_limit_seconds, memory_mb=exercise.memory_limit_mb)
    tests_key = hashlib.sha256(repr((exercise.language, tests, limits)).encode()).hexdigest()
    hidden_files = frozenset(name for name, _code in context.hidden_tests)

    def run_code(code: str, seconds: float | None = None) -> bool:
        key = (tests_key, code)
        known = _answers.get(key)
        if known is not None:
            return known
        run_limits = limits
        if seconds is not None and seconds < limits.time_seconds:
            run_limits = replace(limits, time_seconds=max(seconds, MIN_RUN_SECONDS))
        try:
            outcome = shared_process().tests_pass(
                exercise.language, [SourceFile(exercise.student_filename, code)], tests, run_limits
            )
        except SandboxError:
            # Similarity still applies; an unverifiable block is not held up forever.
            return False
        cut_short = run_limits.time_seconds < limits.time_seconds
        solution = shows_a_solution(outcome, hidden_files, cut_short)
        if solution or outcome.status != "timeout":  # with more time it might have passed
            _answers.put(key, solution)
        return solution

    return run_code


class _Answers:
    """The last sandbox answers of this worker process, by exercise tests and code."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, str], bool] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> bool | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            return None

    def put(self, key: tuple[str, str], answer: bool) -> None:
        with self._lock:
            self._items[key] = answer
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_answers = _Answers(512)


class PassThrough:
    """Stands in for the guard when settings.GUARD_ENABLED is off."""

    blocked = False

    def push(self, chunk: str) -> str:
        return chunk

    def finish(self) -> FinalVerdict:
        return FinalVerdict(rest="", verdict=Verdict("allow", "the guard is off", "", []))


class ReplyGuard:
    """The solution-leak guard (or PassThrough), then the echo guard on what it releases.

    The echo guard is on even when the solution guard is off: the tutor's instructions are
    never the student's to read.
    """

    def __init__(self, solution_guard: "StreamGuard | PassThrough", echo: EchoGuard) -> None:
        self._solution_guard = solution_guard
        self._echo = echo

    @property
    def blocked(self) -> bool:
        return self._solution_guard.blocked or self._echo.echo is not None

    def push(self, chunk: str) -> str:
        return self._echo.push(self._solution_guard.push(chunk))

    def finish(self) -> FinalVerdict:
        final = self._solution_guard.finish()
        if final.verdict.verdict == "block":
            return final
        rest = self._echo.push(final.rest) + self._echo.finish()
        echo = self._echo.echo
        if echo is None:
            return FinalVerdict(rest=rest, verdict=final.verdict)
        message = f"the reply repeats {echo.words} words of the tutor's instructions in a row"
        finding = Finding("prompt_echo", "block", message, echo.start, echo.start)
        return FinalVerdict(rest="", verdict=Verdict("block", message, ECHO_REPLY, [finding]))


def judge_reply(exercise: Exercise, reply: str, student_code: str = "") -> Verdict:
    """The verdict on a whole reply, as the streaming guard would give it (for `guard`)."""
    context = guard_context(exercise, student_code)
    verdict = check_reply(reply, context, guard_settings(), sandbox_check(exercise, context))
    if verdict.verdict == "block":
        return verdict
    echo_only = ReplyGuard(PassThrough(), _echo_guard())
    echo_only.push(reply)
    final = echo_only.finish()
    return final.verdict if is_echo_block(final.verdict) else verdict


def is_echo_block(verdict: Verdict) -> bool:
    return any(finding.kind == "prompt_echo" for finding in verdict.findings)


def stream_guard(exercise: Exercise, student_code: str) -> ReplyGuard:
    echo = _echo_guard()
    if not settings.GUARD_ENABLED:
        return ReplyGuard(PassThrough(), echo)
    context = guard_context(exercise, student_code)
    if settings.GUARD_RUN_CODE_BLOCKS:
        shared_process().start()  # up by the time the reply's first code block closes
    solution_guard = StreamGuard(context, guard_settings(), sandbox_check(exercise, context))
    return ReplyGuard(solution_guard, echo)


def _echo_guard() -> EchoGuard:
    return EchoGuard(instruction_texts(), min_words=ECHO_MIN_WORDS)


def safe_replacement(exercise: Exercise, hint_level: int | None) -> str:
    """What a blocked answer becomes: the refusal and the exercise's own authored hint."""
    hint = exercise.authored_hint(hint_level)
    if hint is None:
        return BLOCKED_PREFIX
    return f"{BLOCKED_PREFIX}\n\nHere is a hint instead: {hint}"
