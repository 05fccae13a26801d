"""Solution-leak guard cost: added latency per streamed chunk and per reply, one sandbox run
three ways, and false positives on hints.

    python bench/guard_cost.py [--chunk-chars 30] [--no-sandbox] [--runs 5]

Streams realistic replies for every bundled Python exercise through StreamGuard and the
echo guard (as the tutor chains them) in chunks
of about 8 tokens (--chunk-chars characters) and times each push(): the latency the guard adds
to every chunk the student sees. Chunks that close a code segment (similarity check) and those
that also ran the sandbox (a block that defines what the tests import) are reported apart, and
so is the guard's whole time per reply (every push and finish, sandbox runs included): the
goal is at most 1 s. The replies include the reference solution in a fence, in a blockquote,
and split over a fence and a quote with its first part cut inside a loop (that part runs
until its time is up), and every solution of bench/guard_eval_data split the same way (some
are correct but slow: the guard's time limit cuts their run short). For the replies that
carry a solution it also says how much of it the student saw while the reply streamed, before
a block replaced it.

The sandbox runs the way the llm worker runs it: through the guard's long-lived helper process
(tutor.guard.sandbox_process). "One sandbox run, three ways" times a passing run of one
exercise --runs times each: in this process (run_tests), through that helper, and through a
fresh Python per run (tutor.sandbox.isolated.tests_pass_in_subprocess, what the guard used
before).

Then every authored hint is judged as a reply, whole and streamed: the false-positive rate is
the share not allowed untouched.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from guard_eval import load_solutions, shape_base64_exec, shape_renamed

from exercises.loader import ExerciseSpec, load_exercises
from tutor.guard import GuardContext, RunCode, StreamGuard, check_reply
from tutor.guard.echo import EchoGuard
from tutor.guard.prepared import prepare
from tutor.guard.run_outcome import shows_a_solution
from tutor.guard.sandbox_check import MIN_RUN_SECONDS, required_names
from tutor.guard.sandbox_process import SandboxProcess
from tutor.llm.prompts import instruction_texts
from tutor.sandbox import Limits, SandboxConfig, SandboxError, SourceFile, run_tests
from tutor.sandbox.isolated import tests_pass_in_subprocess

CURRICULUM = Path(__file__).resolve().parents[1] / "exercises" / "curriculum"
# Away from the server's default uids and the test suites' (tests/sandbox_uids.py: 62100-63700),
# so nothing running is disturbed.
BENCH_FIRST_UID = 64000
LIMITS = Limits(time_seconds=5)


def context_for(spec: ExerciseSpec) -> GuardContext:
    return GuardContext(
        solution_code=spec.solution_code,
        hidden_tests=[(t.filename, t.code) for t in spec.hidden_tests],
        visible_tests=[(t.filename, t.code) for t in spec.visible_tests],
        student_code=spec.starter_code,
        starter_code=spec.starter_code,
        statement=spec.statement_md,
        module_name=spec.module,
    )


def fenced(code: str) -> str:
    return f"```python\n{code.rstrip()}\n```"


def in_two(code: str) -> str:
    """A solution split over a fence and a quote, cut just inside its first loop."""
    lines = code.rstrip().splitlines()
    cut = next(
        (n + 2 for n, line in enumerate(lines) if line.lstrip().startswith(("while ", "for "))),
        len(lines) // 2,
    )
    return (
        "Start with:\n\n"
        + fenced("\n".join(lines[:cut]))
        + "\n\nThen go on inside it:\n\n"
        + "\n".join(f"> {line}" if line.strip() else ">" for line in lines[cut:])
        + "\n"
    )


def replies(spec: ExerciseSpec, others: list[str]) -> list[tuple[str, str, str]]:
    """What a tutor model writes, as (kind, text, the solution in it or ""): explanations,
    examples, the student's code, a skeleton, and the full solution it should never write: the
    reference, and others written differently (bench/guard_eval_data) that only a sandbox run
    recognises, the first in five shapes (two of them disguised: renamed, and base64 run by exec),
    every one split over a fence and a quote."""
    other = others[0]
    names = sorted(required_names([(t.filename, t.code) for t in spec.hidden_tests], spec.module))
    concept, where, *plan = spec.hints
    explanation = (
        f"Good question! Let's look at `{names[0]}` together.\n\n{concept}\n\n"
        f"**Where to look.** {where}\n\n"
        + (f"**A plan, in words.** {plan[0]}\n\n" if plan else "")
        + "Try one step at a time and run the visible tests after each one."
    )
    example = (
        "Here is the idea on unrelated data:\n\n"
        + fenced("scores = [3, 8, 5]\nbest = scores[0]\nfor score in scores:\n"
                 "    if score > best:\n        best = score\nprint(best)  # 8")
        + f"\n\nNow think about how the same pattern fits `{names[0]}`. {concept}"
    )  # fmt: skip
    quoted = (
        "This is your code so far:\n\n"
        + fenced(spec.starter_code)
        + f"\n\n{where}\n\nWhat should change first?"
    )
    skeleton = "".join(
        f"class {name}:\n    pass\n\n\n" if name[:1].isupper() else f"def {name}(*args):\n    ...\n"
        for name in names
    ).replace("...", "return None")
    outline = (
        "A skeleton to fill in (it does not pass yet):\n\n"
        + fenced(skeleton)
        + f"\n\n{plan[0] if plan else where}"
    )
    solution = "Here you go:\n\n" + fenced(spec.solution_code) + "\n\nThat passes every test."
    in_quote = [f"> {line}" if line.strip() else ">" for line in spec.solution_code.splitlines()]
    quoted_solution = "Here you go:\n\n" + "\n".join(in_quote) + "\n\nThat passes every test."
    reference = spec.solution_code
    quoted_other = "\n".join(f"> {line}" if line.strip() else ">" for line in other.splitlines())
    return [
        ("explanation", explanation, ""),
        ("example", example, ""),
        ("quoted", quoted, ""),
        ("outline", outline, ""),
        ("solution", solution, reference),
        ("solution-quoted", quoted_solution, reference),
        ("solution-split", in_two(reference), reference),
        ("other-algorithm", "Try this:\n\n" + fenced(other), other),
        ("other-quoted", "Try this:\n\n" + quoted_other, other),
        # The red team's disguises: another name, and hidden in base64 run by exec.
        ("other-renamed", shape_renamed(other), other),
        ("other-base64-exec", shape_base64_exec(other), other),
        *(("others-split", in_two(code), code) for code in others),
    ]


def solution_lines(code: str) -> list[str]:
    return [line.strip() for line in code.splitlines() if len(line.strip()) > 8]


class CountingRunner:
    def __init__(self, run_code: RunCode) -> None:
        self._run_code = run_code
        self.runs = 0

    def __call__(self, code: str, seconds: float | None = None) -> bool:
        self.runs += 1
        return self._run_code(code, seconds)


def helper_runner(context: GuardContext, helper: SandboxProcess) -> RunCode:
    """What tutor.assist.guarding.sandbox_check does, without Django: runs in the helper."""
    tests = [SourceFile(n, c) for n, c in (*context.visible_tests, *context.hidden_tests)]
    hidden_files = frozenset(name for name, _code in context.hidden_tests)

    def run_code(code: str, seconds: float | None = None) -> bool:
        limits = LIMITS
        if seconds is not None and seconds < LIMITS.time_seconds:
            limits = Limits(time_seconds=max(seconds, MIN_RUN_SECONDS))
        try:
            outcome = helper.tests_pass(
                "python", [SourceFile(f"{context.module_name}.py", code)], tests, limits
            )
        except SandboxError:
            return False
        return shows_a_solution(outcome, hidden_files, limits.time_seconds < LIMITS.time_seconds)

    return run_code


@dataclass
class Timings:
    plain_us: list[float]  # chunks that closed no code segment
    closing_us: list[float]  # chunks that closed one: similarity checked, no sandbox run
    sandbox_us: list[float]  # chunks that closed one and ran it in the sandbox
    prepare_us: list[float]
    reply_s: dict[str, list[float]]  # the guard's whole time per reply, by kind of reply
    verdicts: dict[str, dict[str, int]]
    # Solution-bearing replies in which every line of the solution was released before the
    # verdict (a block replaces what was shown, but the student saw it), and the most of a
    # solution's lines released before a block.
    whole_solution_shown: int = 0
    most_shown_before_block: float = 0.0
    notes: list[str] = field(default_factory=list)  # solutions allowed or shown, and where


def stream_all(
    specs: list[ExerciseSpec], chunk_chars: int, helper: SandboxProcess | None
) -> Timings:
    timings = Timings([], [], [], [], {}, {})
    solutions = load_solutions()
    for spec in specs:
        context = context_for(spec)
        started = time.perf_counter_ns()
        prepare(context, StreamGuard(context)._settings)  # the one-off, per exercise and student
        timings.prepare_us.append((time.perf_counter_ns() - started) / 1000)
        runner = CountingRunner(helper_runner(context, helper)) if helper else None
        for kind, text, code in replies(spec, solutions[spec.slug]):
            guard = StreamGuard(context, run_code=runner)
            echo = EchoGuard(instruction_texts())  # as the tutor chains them: tutor/assist
            reply_us = 0.0
            released = []
            for start in range(0, len(text), chunk_chars):
                runs_before = runner.runs if runner else 0
                checked_before = guard.segments_checked
                started = time.perf_counter_ns()
                released.append(echo.push(guard.push(text[start : start + chunk_chars])))
                elapsed = (time.perf_counter_ns() - started) / 1000
                reply_us += elapsed
                if runner is not None and runner.runs > runs_before:
                    timings.sandbox_us.append(elapsed)
                elif guard.segments_checked > checked_before:
                    timings.closing_us.append(elapsed)
                else:
                    timings.plain_us.append(elapsed)
            started = time.perf_counter_ns()
            verdict = guard.finish().verdict.verdict
            reply_us += (time.perf_counter_ns() - started) / 1000
            timings.reply_s.setdefault(kind, []).append(reply_us / 1e6)
            timings.verdicts.setdefault(kind, {}).setdefault(verdict, 0)
            timings.verdicts[kind][verdict] += 1
            lines = solution_lines(code)
            shown = sum(line in "".join(released) for line in lines) / max(len(lines), 1)
            timings.whole_solution_shown += bool(lines) and shown == 1
            if verdict == "block":
                timings.most_shown_before_block = max(timings.most_shown_before_block, shown)
            if code and (verdict != "block" or shown > 0.5):
                number = solutions[spec.slug].index(code) + 1 if code in solutions[spec.slug] else 0
                timings.notes.append(
                    f"{spec.slug} {kind} (solution #{number}, 0: the reference): {verdict}, "
                    f"{shown:.0%} of its lines shown while streaming, {reply_us / 1e6:.2f} s"
                )
    return timings


def false_positives(specs: list[ExerciseSpec], chunk_chars: int) -> tuple[int, int, list[str]]:
    checked, flagged, reasons = 0, 0, []
    for spec in specs:
        context = context_for(spec)
        for hint in spec.hints:
            whole = check_reply(hint, context)
            guard = StreamGuard(context)
            echo = EchoGuard(instruction_texts())
            shown = "".join(
                echo.push(guard.push(hint[i : i + chunk_chars]))
                for i in range(0, len(hint), chunk_chars)
            )
            final = guard.finish()
            shown += echo.push(final.rest) + echo.finish()
            checked += 1
            if (
                whole.verdict != "allow"
                or final.verdict.verdict != "allow"
                or echo.echo is not None
                or shown != hint
            ):
                flagged += 1
                reasons.append(f"{spec.slug}: {whole.reason}")
    return checked, flagged, reasons


def describe(name: str, values: list[float], unit: str = "us") -> str:
    if not values:
        return f"{name:44} (none)"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    digits = 1 if unit == "us" else 3
    return (
        f"{name:44} n={len(values):5}  mean={statistics.fmean(values):9.{digits}f} {unit}  "
        f"p95={p95:9.{digits}f} {unit}  max={ordered[-1]:9.{digits}f} {unit}"
    )


def one_run_three_ways(
    spec: ExerciseSpec, runs: int, config: SandboxConfig, helper: SandboxProcess
) -> None:
    """A passing run of the reference solution: in this process, in the helper, and in a
    fresh Python per run (the guard's way before)."""
    student = [SourceFile(f"{spec.module}.py", spec.solution_code)]
    tests = [SourceFile(t.filename, t.code) for t in (*spec.visible_tests, *spec.hidden_tests)]
    ways = {
        "run_tests in this process": lambda: (
            run_tests("python", student, tests, LIMITS, config=config).passed
        ),
        "guard's helper process (now)": lambda: (
            helper.tests_pass("python", student, tests, LIMITS).passed
        ),
        "fresh Python per run (before)": lambda: tests_pass_in_subprocess(
            "python", student, tests, LIMITS
        ),
    }
    print(f"\none sandbox run of {spec.slug}'s reference, three ways ({runs} runs each):")
    for name, run in ways.items():
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            assert run(), name
            seconds.append(time.perf_counter() - started)
        print(describe(f"  {name}", seconds, unit="s"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunk-chars", type=int, default=30, help="about 8 tokens")
    parser.add_argument("--no-sandbox", action="store_true", help="skip the sandbox check")
    parser.add_argument("--runs", type=int, default=5, help="runs per way of running")
    args = parser.parse_args()

    report = load_exercises(CURRICULUM)
    specs = [spec for spec in report.exercises if spec.language == "python"]
    helper = config = None
    if not args.no_sandbox:
        lock_dir = tempfile.mkdtemp(prefix="guard-bench-locks-")
        os.chmod(lock_dir, 0o700)
        config = SandboxConfig(slots=1, lock_dir=lock_dir, first_uid=BENCH_FIRST_UID)
        helper = SandboxProcess(
            env=os.environ
            | {
                "LABTUTOR_SANDBOX_SLOTS": "1",
                "LABTUTOR_SANDBOX_LOCK_DIR": lock_dir,
                "LABTUTOR_SANDBOX_FIRST_UID": str(BENCH_FIRST_UID),
            }
        )

    if helper is not None:
        helper.warm_up()  # the llm worker starts it with the reply's guard
    timings = stream_all(specs, args.chunk_chars, helper)
    no_sandbox = timings.plain_us + timings.closing_us
    print(
        f"{len(specs)} exercises, {len(timings.reply_s)} kinds of reply, "
        f"chunks of {args.chunk_chars} characters"
    )
    print(describe("chunks that close no code segment", timings.plain_us))
    print(describe("chunks that close one (similarity only)", timings.closing_us))
    print(describe("all chunks, excluding sandbox runs", no_sandbox))
    print(describe("chunks that ran the sandbox (one-off)", timings.sandbox_us))
    print(describe("all chunks, including sandbox runs", no_sandbox + timings.sandbox_us))
    print(describe("one-off preparation per exercise+student", timings.prepare_us))
    print(
        f"solution-bearing replies released whole while streaming: {timings.whole_solution_shown};"
        f" most of a blocked solution's lines shown before its block: "
        f"{timings.most_shown_before_block:.0%}"
    )
    for note in timings.notes:
        print(f"  {note}")
    for kind, counts in timings.verdicts.items():
        print(f"  verdicts for {kind:16} {dict(sorted(counts.items()))}")
    print("the guard's whole time per reply (all chunks and finish, sandbox runs included):")
    for kind, seconds in timings.reply_s.items():
        print(describe(f"  {kind}", seconds, unit="s"))
    print(describe("  all replies", [s for v in timings.reply_s.values() for s in v], unit="s"))
    if helper is not None and config is not None:
        by_slug = {spec.slug: spec for spec in specs}
        one_run_three_ways(by_slug.get("binary-search", specs[0]), args.runs, config, helper)
        helper.close()

    checked, flagged, reasons = false_positives(specs, args.chunk_chars)
    print(f"false positives on authored hints: {flagged}/{checked} = {flagged / checked:.1%}")
    for reason in reasons:
        print(f"  {reason}")


if __name__ == "__main__":
    main()
