"""Replay recorded model replies through the guard, at the pace they were generated.

    python bench/guard_stall.py --save bench/out/stall_replies.json   # record once
    python bench/guard_replay.py bench/out/stall_replies.json [--pace 15]

Two recordings are kept in bench/guard_replay_data: smollm2_hints.json (the demo model's
greedy answers to "Can you show me the code for this function?" at hint level 3 on five
exercises, recorded with guard_stall.py) and looping_blocks.json (a hint in the demo model's
manner with two code blocks that define the function and loop forever on most inputs: what
a weak model writes, and what the sandbox runs until its time limit).

Each recorded text delta arrives at its recorded time; the solution guard and the echo guard
process it as the llm worker would (one after the other, the next delta waiting for them), and
text reaches the student when the echo guard releases it. So the model's pace is the same for
every guard, and what changes is only what the guard adds: its own work, its sandbox runs, and
the text it holds back. Printed per reply: the model's longest gap between two tokens, when the
first text reached the student, the longest mid-stream stall the student sees, what happened
during it, and the guard's totals. --pace N replays the deltas evenly at N per second instead
(greedy decoding writes the same text on a busy machine as on a quiet one; only its pace
differs).

It only uses the guard's public face, so the same recording can be replayed through an older
checkout of the guard: `cd OLD && python NEW/bench/guard_replay.py FILE` (with no
tutor.guard.sandbox_process there, each run starts a fresh Python with the exercise's time
limit, as the guard did then).
"""

import argparse
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.getcwd())

from exercises.loader import ExerciseSpec, load_exercises
from tutor.guard import GuardContext, StreamGuard
from tutor.guard.echo import EchoGuard
from tutor.guard.run_outcome import shows_a_solution
from tutor.llm.prompts import instruction_texts
from tutor.sandbox import Limits, SandboxError, SourceFile
from tutor.sandbox.isolated import tests_pass_in_subprocess

CURRICULUM = Path(os.getcwd()) / "exercises" / "curriculum"
BENCH_FIRST_UID = 62900


class Runner:
    """The sandbox as the llm worker runs it in this checkout, timed."""

    def __init__(self, spec: ExerciseSpec, helper: object | None) -> None:
        self.spec, self.helper = spec, helper
        self.tests = [
            SourceFile(t.filename, t.code) for t in (*spec.visible_tests, *spec.hidden_tests)
        ]
        self.limits = Limits(time_seconds=spec.time_limit_seconds, memory_mb=spec.memory_limit_mb)
        self.hidden_files = frozenset(t.filename for t in spec.hidden_tests)
        self.runs = 0
        self.seconds = 0.0

    def __call__(self, code: str, seconds: float | None = None) -> bool:
        student = [SourceFile(f"{self.spec.module}.py", code)]
        limits = self.limits
        if seconds is not None and seconds < limits.time_seconds:
            limits = Limits(time_seconds=max(seconds, 0.2), memory_mb=limits.memory_mb)
        started = time.monotonic()
        try:
            if self.helper is None:
                return tests_pass_in_subprocess("python", student, self.tests, limits)
            outcome = self.helper.tests_pass("python", student, self.tests, limits)  # type: ignore[attr-defined]
            cut_short = limits.time_seconds < self.limits.time_seconds
            return shows_a_solution(outcome, self.hidden_files, cut_short)
        except SandboxError:
            return False
        finally:
            self.runs += 1
            self.seconds += time.monotonic() - started


def make_helper() -> object | None:
    try:
        from tutor.guard.sandbox_process import SandboxProcess
    except ImportError:
        return None
    lock_dir = tempfile.mkdtemp(prefix="guard-replay-locks-")
    os.chmod(lock_dir, 0o700)
    helper = SandboxProcess(
        env=os.environ
        | {
            "LABTUTOR_SANDBOX_SLOTS": "1",
            "LABTUTOR_SANDBOX_LOCK_DIR": lock_dir,
            "LABTUTOR_SANDBOX_FIRST_UID": str(BENCH_FIRST_UID),
        }
    )
    helper.warm_up()  # the llm worker starts it with the reply's guard, before the first token
    return helper


def replay(spec: ExerciseSpec, deltas: list[tuple[float, str]], helper: object | None) -> None:
    context = GuardContext(
        solution_code=spec.solution_code,
        hidden_tests=[(t.filename, t.code) for t in spec.hidden_tests],
        visible_tests=[(t.filename, t.code) for t in spec.visible_tests],
        student_code=spec.starter_code,
        starter_code=spec.starter_code,
        statement=spec.statement_md,
        module_name=spec.module,
    )
    runner = Runner(spec, helper)
    guard = StreamGuard(context, run_code=runner)
    echo = EchoGuard(instruction_texts(), min_words=8)
    clock = 0.0
    releases: list[float] = []
    work: list[tuple[float, float]] = []
    guard_seconds = 0.0
    for at, text in deltas:
        start = max(at, clock)
        started = time.perf_counter()
        out = echo.push(guard.push(text))
        took = time.perf_counter() - started
        guard_seconds += took
        clock = start + took
        work.append((start, clock))
        if out:
            releases.append(clock)
    start = max(deltas[-1][0] if deltas else 0.0, clock)
    started = time.perf_counter()
    final = guard.finish()
    if final.verdict.verdict != "block":
        echo.push(final.rest)
        echo.finish()
    took = time.perf_counter() - started
    guard_seconds += took
    clock = start + took
    work.append((start, clock))
    releases.append(clock)

    token_times = [at for at, _text in deltas]
    last_token = token_times[-1] if token_times else 0.0
    model_gap = max((b - a for a, b in itertools.pairwise(token_times)), default=0.0)
    stall, stall_start = max(
        ((b - a, a) for a, b in itertools.pairwise(releases)), default=(0.0, 0.0)
    )
    stall_end = stall_start + stall
    arrived = sum(1 for at in token_times if stall_start < at < stall_end)
    busy = sum(max(0.0, min(e, stall_end) - max(s, stall_start)) for s, e in work)
    print(
        f"{spec.slug}: {len(deltas)} deltas over {token_times[-1] if token_times else 0:.1f} s, "
        f"verdict {final.verdict.verdict}; model's longest gap {model_gap:.2f} s"
    )
    first_shown = releases[0] - (token_times[0] if token_times else 0.0)
    print(
        f"  first text shown {first_shown:.2f} s after the first token; "
        f"longest stall mid-stream {stall:.2f} s at {stall_start:.1f} s: {arrived} deltas "
        f"arrived in it and were held back; the guard was busy {busy:.2f} s of it"
    )
    print(
        f"  guard in all: {guard_seconds:.2f} s, of which {runner.runs} sandbox runs "
        f"{runner.seconds:.2f} s; the reply ends {clock - last_token:.2f} s after the model's "
        "last token"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recording", type=Path)
    parser.add_argument("--pace", type=float, help="deltas per second (default: as recorded)")
    args = parser.parse_args()
    specs = {s.slug: s for s in load_exercises(CURRICULUM).exercises}
    helper = make_helper()
    how = "in the helper" if helper else "in a fresh Python each"
    print(f"guard from {os.getcwd()}; sandbox runs {how}")
    for reply in json.loads(args.recording.read_text()):
        deltas = [(float(at), str(text)) for at, text in reply["deltas"]]
        if args.pace:
            deltas = [(index / args.pace, text) for index, (_at, text) in enumerate(deltas)]
        replay(specs[reply["slug"]], deltas, helper)
    if helper is not None:
        helper.close()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
