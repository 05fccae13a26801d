"""Localisation on seeded bugs: how often the mutated line ranks first, or in the top 3.

    python bench/localise_eval.py [--per-kind 2] [--slots 2] [--only SLUG ...]

For each bundled curriculum exercise, mutants of the reference solution (tutor/grounding/
mutants.py: off-by-one bounds, flipped comparisons, wrong returns, missing cases, wrong
variables), each with the line it changed. Each mutant is graded against the exercise's visible
tests through the real sandbox with evidence on, exactly as a Run is; the ones no visible test
catches are counted apart (no evidence can point at a bug no test shows). The rest are ranked
by tutor/grounding/localise.py. Prints top-1 and top-3 accuracy per kind and overall, which
mutants miss, and the cost per Run (wall time with evidence on, and off for the same mutants).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exercises.loader import ExerciseSpec, load_exercises  # noqa: E402
from tutor.grounding.localise import rank_suspicious_lines  # noqa: E402
from tutor.grounding.mutants import KINDS, Mutant, mutants  # noqa: E402
from tutor.sandbox import Limits, SandboxConfig, SourceFile, run_tests  # noqa: E402

BENCH_FIRST_UID = 62400
Job = tuple[ExerciseSpec, Mutant]


def grade(config: SandboxConfig, job: Job, evidence: bool) -> tuple[dict, float]:
    exercise, mutant = job
    started = time.perf_counter()
    result = run_tests(
        "python",
        [SourceFile(f"{exercise.module}.py", mutant.source)],
        [SourceFile(test.filename, test.code) for test in exercise.visible_tests],
        Limits(time_seconds=exercise.time_limit_seconds, memory_mb=exercise.memory_limit_mb),
        unsafe=False,
        config=config,
        support_files=[SourceFile(f.filename, f.code) for f in exercise.support_files],
        data_files=[SourceFile(f.filename, f.code) for f in exercise.data_files],
        evidence=evidence,
    )
    return result.to_dict(), time.perf_counter() - started


def evaluate(config: SandboxConfig, jobs: list[Job]) -> list[tuple[Job, int | None, float, float]]:
    """Per job: the rank of the mutated line (None: not ranked; -1: no visible test failed)."""
    out: list[tuple[tuple[ExerciseSpec, Mutant], int | None, float, float]] = []
    for job in jobs:
        exercise, mutant = job
        result, seconds_on = grade(config, job, evidence=True)
        _, seconds_off = grade(config, job, evidence=False)
        tests = result["tests"]
        if all(test["outcome"] == "passed" for test in tests):
            out.append((job, -1, seconds_on, seconds_off))
            continue
        ranking = rank_suspicious_lines(
            tests, f"{exercise.module}.py", source=mutant.source, limit=50
        )
        lines = [item.line for item in ranking]
        rank = lines.index(mutant.line) + 1 if mutant.line in lines else None
        out.append((job, rank, seconds_on, seconds_off))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=2)
    parser.add_argument("--slots", type=int, default=2)
    parser.add_argument("--only", nargs="*", default=[])
    args = parser.parse_args()

    report = load_exercises(ROOT / "exercises" / "curriculum")
    exercises = [e for e in report.exercises if not args.only or e.slug in args.only]
    jobs = [
        (exercise, mutant)
        for exercise in exercises
        if not exercise.in_process
        for mutant in mutants(exercise.solution_code, per_kind=args.per_kind)
    ]
    shares = [jobs[i :: args.slots] for i in range(args.slots)]
    with tempfile.TemporaryDirectory(prefix="labtutor-localise-") as lock_dir:
        config = SandboxConfig(slots=args.slots, lock_dir=lock_dir, first_uid=BENCH_FIRST_UID)
        started = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.slots) as pool:
            results = [
                row for part in pool.map(evaluate, [config] * args.slots, shares) for row in part
            ]
        elapsed = time.perf_counter() - started

    by_kind: dict[str, list[int | None]] = defaultdict(list)
    survived: dict[str, int] = defaultdict(int)
    misses = []
    for (exercise, mutant), rank, _, _ in results:
        if rank == -1:
            survived[mutant.kind] += 1
            continue
        by_kind[mutant.kind].append(rank)
        if rank is None or rank > 3:
            where = f"{exercise.slug} line {mutant.line} {mutant.kind}"
            misses.append(f"  {where} ({mutant.description}): rank {rank}")

    caught = len(results) - sum(survived.values())
    print(
        f"{len(exercises)} exercises, {len(jobs)} mutants, {caught} caught by a visible test; "
        f"{elapsed:.1f} s; load {os.getloadavg()}"
    )
    print(f"{'kind':<20} {'caught':>6} {'top-1':>7} {'top-3':>7} {'survived':>8}")
    everything: list[int | None] = []
    for kind in KINDS:
        ranks = by_kind.get(kind, [])
        everything += ranks
        print(_row(kind, ranks, survived[kind]))
    print(_row("overall", everything, sum(survived.values())))
    on = [row[2] for row in results]
    off = [row[3] for row in results]
    print(
        f"cost per Run (one at a time per slot, {args.slots} slots): evidence on "
        f"{statistics.mean(on) * 1000:.1f} ms mean, off {statistics.mean(off) * 1000:.1f} ms "
        f"(+{(statistics.mean(on) - statistics.mean(off)) * 1000:.1f} ms)"
    )
    print("missed top 3:")
    print("\n".join(misses) or "  none")


def _row(kind: str, ranks: list[int | None], survived: int) -> str:
    if not ranks:
        return f"{kind:<20} {0:>6} {'-':>7} {'-':>7} {survived:>8}"
    top1 = sum(rank == 1 for rank in ranks) / len(ranks)
    top3 = sum(rank is not None and rank <= 3 for rank in ranks) / len(ranks)
    return f"{kind:<20} {len(ranks):>6} {top1:>7.0%} {top3:>7.0%} {survived:>8}"


if __name__ == "__main__":
    main()
