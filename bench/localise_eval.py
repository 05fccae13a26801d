"""Localisation, measured honestly: a development set to tune on, a held-out set to report.

    python bench/localise_eval.py [--set dev|held-out|both] [--per-kind 2] [--slots 2]
                                  [--only SLUG ...] [--no-cost]

Development set (tune on this one): for each bundled Python curriculum exercise, mutants of the
reference solution (tutor/grounding/mutants.py: off-by-one bounds, flipped comparisons, wrong
returns, missing cases, wrong variables), each with the line it changed.

Held-out set (report on this one, never tune on it): bench/localise_eval_data/held_out.py, bugs
written by hand the way novices write them, unlike the mutants (wrong loop bounds, missing
cases, wrong variables, mis-indentation, early returns, loops that never end, syntax slips).

Each program is graded as a Submit is, through the real sandbox with evidence on: the visible
tests, and the hidden tests too when the visible ones all pass (the server-side evidence that
names a line and nothing else). tutor/grounding/localise.py's localise() ranks the lines from
all of it: a syntax error's parser line and likelier line, a timed-out test's evidence, the
visible or else the hidden tests' evidence. Prints top-1 and top-3 per kind and overall for
each set, the programs no test catches (counted apart: no evidence points at a bug no test
shows), the misses, and (development set, unless --no-cost) the cost of evidence per Run.
Exercises in other languages (C, Java, JavaScript) are left out: their runs record no evidence.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from localise_eval_data.held_out import BUGS  # noqa: E402
from localise_eval_data.held_out import KINDS as HELD_OUT_KINDS  # noqa: E402

from exercises.loader import ExerciseSpec, TestFileSpec, load_exercises  # noqa: E402
from tutor.grounding.localise import localise  # noqa: E402
from tutor.grounding.mutants import KINDS as MUTANT_KINDS  # noqa: E402
from tutor.grounding.mutants import mutants  # noqa: E402
from tutor.sandbox import Limits, RunResult, SandboxConfig, SourceFile, run_tests  # noqa: E402

BENCH_FIRST_UID = int(os.environ.get("LABTUTOR_SANDBOX_FIRST_UID", "62400"))
BUG_MARKER = "# <-bug"


@dataclass(frozen=True)
class Case:
    set_name: str  # "dev" or "held-out"
    slug: str
    kind: str
    line: int  # the bug's line
    source: str
    description: str


@dataclass(frozen=True)
class Outcome:
    case: Case
    rank: int | None  # None: not ranked; -1: no test caught the bug
    source_of_evidence: str  # "visible", "hidden", "syntax", "" (none)
    seconds_on: float
    seconds_off: float | None


def held_out_case(slug: str, kind: str, marked: str) -> Case:
    """A held-out program without its marker, and the marked line."""
    lines = marked.splitlines(keepends=True)
    marked_lines = [number for number, line in enumerate(lines, 1) if BUG_MARKER in line]
    if len(marked_lines) != 1:
        raise SystemExit(f"held-out {slug} {kind}: mark exactly one line with {BUG_MARKER!r}")
    cleaned = [
        line.split(BUG_MARKER)[0].rstrip() + "\n" if BUG_MARKER in line else line for line in lines
    ]
    return Case("held-out", slug, kind, marked_lines[0], "".join(cleaned), f"{kind} (held out)")


def cases(exercises: list[ExerciseSpec], wanted: str, per_kind: int) -> list[Case]:
    slugs = {exercise.slug for exercise in exercises}
    found: list[Case] = []
    if wanted in ("dev", "both"):
        for exercise in exercises:
            for mutant in mutants(exercise.solution_code, per_kind=per_kind):
                found.append(
                    Case(
                        "dev",
                        exercise.slug,
                        mutant.kind,
                        mutant.line,
                        mutant.source,
                        mutant.description,
                    )
                )
    if wanted in ("held-out", "both"):
        found += [held_out_case(*bug) for bug in BUGS if bug[0] in slugs]
    return found


def grade(
    config: SandboxConfig,
    exercise: ExerciseSpec,
    source: str,
    tests: Sequence[TestFileSpec],
    evidence: bool,
) -> tuple[RunResult, float]:
    started = time.perf_counter()
    result = run_tests(
        "python",
        [SourceFile(f"{exercise.module}.py", source)],
        [SourceFile(test.filename, test.code) for test in tests],
        Limits(time_seconds=exercise.time_limit_seconds, memory_mb=exercise.memory_limit_mb),
        unsafe=False,
        config=config,
        support_files=[SourceFile(f.filename, f.code) for f in exercise.support_files],
        data_files=[SourceFile(f.filename, f.code) for f in exercise.data_files],
        evidence=evidence,
    )
    return result, time.perf_counter() - started


def evaluate(
    config: SandboxConfig, exercises: dict[str, ExerciseSpec], jobs: list[Case], cost: bool
) -> list[Outcome]:
    out = []
    for case in jobs:
        exercise = exercises[case.slug]
        visible, seconds_on = grade(config, exercise, case.source, exercise.visible_tests, True)
        seconds_off = None
        if cost and case.set_name == "dev":
            seconds_off = grade(config, exercise, case.source, exercise.visible_tests, False)[1]
        visible_tests = visible.to_dict()["tests"]
        hidden_tests: list[dict] = []
        if all(test["outcome"] == "passed" for test in visible_tests):
            hidden, _ = grade(config, exercise, case.source, exercise.hidden_tests, True)
            hidden_tests = hidden.to_dict()["tests"]
            if all(test["outcome"] == "passed" for test in hidden_tests):
                out.append(Outcome(case, -1, "", seconds_on, seconds_off))
                continue
        located = localise(
            visible_tests,
            f"{exercise.module}.py",
            source=case.source,
            hidden_tests=hidden_tests,
            reference=exercise.solution_code,
            limit=50,
        )
        lines = [item.line for item in located.lines]
        rank = lines.index(case.line) + 1 if case.line in lines else None
        out.append(Outcome(case, rank, located.evidence, seconds_on, seconds_off))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("dev", "held-out", "both"), default="both")
    parser.add_argument("--per-kind", type=int, default=2)
    parser.add_argument("--slots", type=int, default=2)
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--no-cost", action="store_true", help="skip the evidence-off runs")
    args = parser.parse_args()

    report = load_exercises(ROOT / "exercises" / "curriculum")
    exercises = {
        e.slug: e
        for e in report.exercises
        if e.language == "python" and not e.in_process and (not args.only or e.slug in args.only)
    }
    jobs = cases(list(exercises.values()), args.set, args.per_kind)
    shares = [jobs[i :: args.slots] for i in range(args.slots)]
    with tempfile.TemporaryDirectory(prefix="labtutor-localise-") as lock_dir:
        config = SandboxConfig(slots=args.slots, lock_dir=lock_dir, first_uid=BENCH_FIRST_UID)
        started = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.slots) as pool:
            parts = pool.map(
                evaluate,
                [config] * args.slots,
                [exercises] * args.slots,
                shares,
                [not args.no_cost] * args.slots,
            )
            results = [row for part in parts for row in part]
        elapsed = time.perf_counter() - started

    print(
        f"{len(exercises)} Python exercises, {len(jobs)} buggy programs; {elapsed:.1f} s; "
        f"load {os.getloadavg()}"
    )
    for set_name, kinds in (("dev", MUTANT_KINDS), ("held-out", HELD_OUT_KINDS)):
        rows = [row for row in results if row.case.set_name == set_name]
        if rows:
            print_set(set_name, kinds, rows)
    costs = [row for row in results if row.seconds_off is not None]
    if costs:
        on = statistics.mean(row.seconds_on for row in costs)
        off = statistics.mean(row.seconds_off or 0.0 for row in costs)
        print(
            f"\ncost per Run (development set, one at a time per slot, {args.slots} slots): "
            f"evidence on {on * 1000:.1f} ms mean, off {off * 1000:.1f} ms "
            f"(+{(on - off) * 1000:.1f} ms)"
        )


def print_set(set_name: str, kinds: tuple[str, ...], rows: list[Outcome]) -> None:
    by_kind: dict[str, list[int | None]] = defaultdict(list)
    uncaught: dict[str, int] = defaultdict(int)
    by_evidence: dict[str, int] = defaultdict(int)
    misses = []
    for row in rows:
        if row.rank == -1:
            uncaught[row.case.kind] += 1
            continue
        by_kind[row.case.kind].append(row.rank)
        by_evidence[row.source_of_evidence or "none"] += 1
        if row.rank is None or row.rank > 3:
            case = row.case
            misses.append(
                f"  {case.slug} line {case.line} {case.kind} ({case.description}): "
                f"rank {row.rank}, from {row.source_of_evidence or 'no evidence'}"
            )
    title = "development set (tuned on)" if set_name == "dev" else "held-out set (never tuned on)"
    print(f"\n{title}: {len(rows)} programs")
    print(f"{'kind':<20} {'caught':>6} {'top-1':>7} {'top-3':>7} {'uncaught':>8}")
    everything: list[int | None] = []
    for kind in kinds:
        ranks = by_kind.get(kind, [])
        everything += ranks
        print(_row(kind, ranks, uncaught[kind]))
    print(_row("overall", everything, sum(uncaught.values())))
    print("located from: " + ", ".join(f"{k} {v}" for k, v in sorted(by_evidence.items())))
    print("missed top 3:")
    print("\n".join(misses) or "  none")


def _row(kind: str, ranks: list[int | None], uncaught: int) -> str:
    if not ranks:
        return f"{kind:<20} {0:>6} {'-':>7} {'-':>7} {uncaught:>8}"
    top1 = sum(rank == 1 for rank in ranks)
    top3 = sum(rank is not None and rank <= 3 for rank in ranks)
    return (
        f"{kind:<20} {len(ranks):>6} {top1 / len(ranks):>7.0%} {top3 / len(ranks):>7.0%} "
        f"{uncaught:>8}   ({top1}/{len(ranks)}, {top3}/{len(ranks)})"
    )


if __name__ == "__main__":
    main()
