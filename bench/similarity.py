"""Time of a similarity report for a class: 200 programs of about 50 lines, three of them copies.

    .venv/bin/python bench/similarity.py [--students 200] [--seed 1] [--repeat 3]

Makes a class of programs for one exercise (statistics of a list of grades): each student's
program is built from their own choice among several ways to write each of its parts, in their
own order, with their own names and constants, so students share idioms as real classes do
without copying. Three students copy a classmate: one renames every name, one reorders the
functions, one does both. The exercise's starter code and reference are excluded as in the
site. Prints the time of the whole comparison (tutor/similarity/engine.py, what the Celery task
runs; storing the top pairs is one bulk insert on top), the ranks of the copied pairs, and the
machine's load (`uptime`): on a shared machine rerun it when it is quiet.
"""

# The ways of writing each part below are programs, one string each: long lines.
# ruff: noqa: E501

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutor.settings")
django.setup()

from tutor.similarity.engine import Program, compare_programs, work_units  # noqa: E402
from tutor.similarity.services import MAX_STORED_PAIRS  # noqa: E402

STARTER = '''def report(grades):
    """Return (mean, median, best, worst, letter counts) of a list of grades 0-100."""
    pass
'''
REFERENCE = '''import statistics


def letter(grade):
    return "A" if grade >= 90 else "B" if grade >= 80 else "C" if grade >= 70 else "F"


def report(grades):
    """Return (mean, median, best, worst, letter counts) of a list of grades 0-100."""
    counts = {}
    for grade in grades:
        counts[letter(grade)] = counts.get(letter(grade), 0) + 1
    return statistics.mean(grades), statistics.median(grades), max(grades), min(grades), counts
'''

# Each part has several ways to write it; {a}, {b}, {c} are names, {n} a constant.
PARTS = {
    "mean": [
        "def {f}({a}):\n    {b} = 0\n    for {c} in {a}:\n        {b} += {c}\n    return {b} / len({a})\n",
        "def {f}({a}):\n    return sum({a}) / len({a}) if {a} else 0\n",
        "def {f}({a}):\n    {b} = 0.0\n    {c} = 0\n    while {c} < len({a}):\n        {b} = {b} + {a}[{c}]\n        {c} += 1\n    return {b} / max(1, len({a}))\n",
    ],
    "median": [
        "def {f}({a}):\n    {b} = sorted({a})\n    {c} = len({b}) // 2\n    if len({b}) % 2:\n        return {b}[{c}]\n    return ({b}[{c} - 1] + {b}[{c}]) / 2\n",
        "def {f}({a}):\n    {b} = sorted({a})\n    {c} = len({b})\n    return ({b}[({c} - 1) // 2] + {b}[{c} // 2]) / 2\n",
        "def {f}({a}):\n    import statistics\n    return statistics.median({a})\n",
    ],
    "extremes": [
        "def {f}({a}):\n    {b} = {a}[0]\n    {c} = {a}[0]\n    for {d} in {a}:\n        if {d} > {b}:\n            {b} = {d}\n        if {d} < {c}:\n            {c} = {d}\n    return {b}, {c}\n",
        "def {f}({a}):\n    return max({a}), min({a})\n",
        "def {f}({a}):\n    {b} = sorted({a})\n    return {b}[-1], {b}[0]\n",
    ],
    "letter": [
        "def {f}({a}):\n    if {a} >= {n}:\n        return 'A'\n    elif {a} >= {n} - 10:\n        return 'B'\n    elif {a} >= {n} - 20:\n        return 'C'\n    return 'F'\n",
        "def {f}({a}):\n    for {b}, {c} in (({n}, 'A'), ({n} - 10, 'B'), ({n} - 20, 'C')):\n        if {a} >= {b}:\n            return {c}\n    return 'F'\n",
        "{F} = [({n}, 'A'), ({n} - 10, 'B'), ({n} - 20, 'C'), (0, 'F')]\n\n\ndef {f}({a}):\n    return next({c} for {b}, {c} in {F} if {a} >= {b})\n",
    ],
    "counts": [
        "def {f}({a}):\n    {b} = {{}}\n    for {c} in {a}:\n        {d} = {g}({c})\n        if {d} in {b}:\n            {b}[{d}] += 1\n        else:\n            {b}[{d}] = 1\n    return {b}\n",
        "def {f}({a}):\n    from collections import Counter\n    return dict(Counter({g}({c}) for {c} in {a}))\n",
        "def {f}({a}):\n    {b} = {{'A': 0, 'B': 0, 'C': 0, 'F': 0}}\n    for {c} in {a}:\n        {b}[{g}({c})] = {b}[{g}({c})] + 1\n    return {{{d}: {c} for {d}, {c} in {b}.items() if {c}}}\n",
    ],
    "validate": [
        "def {f}({a}):\n    for {b} in {a}:\n        if not 0 <= {b} <= 100:\n            raise ValueError('grade out of range: ' + str({b}))\n    if not {a}:\n        raise ValueError('no grades')\n",
        "def {f}({a}):\n    if len({a}) == 0 or any({b} < 0 or {b} > 100 for {b} in {a}):\n        raise ValueError('bad grades')\n",
        "def {f}({a}):\n    {b} = [{c} for {c} in {a} if {c} < 0 or {c} > {n} + 10]\n    assert {a} and not {b}, {b}\n",
    ],
    "rounding": [
        "def {f}({a}, {b}=2):\n    {c} = 10 ** {b}\n    return int({a} * {c} + 0.5) / {c}\n",
        "def {f}({a}):\n    return round({a}, 2)\n",
        "def {f}({a}):\n    return float('%.2f' % {a})\n",
    ],
}
NAMES = [
    "grades",
    "values",
    "marks",
    "scores",
    "items",
    "data",
    "xs",
    "nums",
    "points",
    "results",
    "total",
    "acc",
    "running",
    "summed",
    "best",
    "worst",
    "top",
    "low",
    "high",
    "lowest",
    "ordered",
    "ranked",
    "middle",
    "mid",
    "half",
    "size",
    "count",
    "n",
    "i",
    "j",
    "k",
    "g",
    "x",
    "y",
    "v",
    "letter_of",
    "grade_letter",
    "band",
    "bucket",
    "table",
    "tally",
    "freq",
    "hist",
    "seen",
    "out",
    "res",
    "ans",
    "tmp",
    "pair",
    "item",
]
FUNCTION_NAMES = [
    "average",
    "mean_of",
    "avg",
    "compute_mean",
    "middle_value",
    "median_of",
    "find_median",
    "extremes",
    "high_low",
    "min_max",
    "to_letter",
    "letter_for",
    "grade_band",
    "letter_counts",
    "count_letters",
    "tally_letters",
    "check",
    "validate",
    "ensure_valid",
    "round2",
    "tidy",
    "two_places",
]


# Students' own habits: a line of their own here and there (a check, a trace, a temporary).
HABITS = [
    "{x} = len({a})",
    "assert {a} is not None",
    "{x} = None",
    "if not {a}:\n        pass",
    "{x} = list({a})",
    "{x} = 0",
    "{x} = {{}}",
    "{x} = []",
    "{x} = True",
    "{x} = 'ok'",
    "{x} = {n} * 2",
    "{x} = type({a})",
]


def with_habits(function: str, rng: random.Random, names: list[str]) -> str:
    lines = function.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        own_line = line.startswith("    ") and not line.strip().startswith(
            ("return", "elif", "else")
        )
        if own_line and rng.random() < 0.2:
            habit = rng.choice(HABITS).format(x=rng.choice(names), a=names[0], n=rng.randint(2, 99))
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + habit.replace("\n    ", "\n" + indent))
        out.append(line)
    return "\n".join(out)


def student_program(rng: random.Random) -> str:
    names = rng.sample(NAMES, 8)
    functions = rng.sample(FUNCTION_NAMES, len(PARTS))
    letter_function = functions[list(PARTS).index("letter")]
    pieces = []
    for ways, function in zip(PARTS.values(), functions, strict=True):
        way = rng.choice(ways)
        code = way.format(
            f=function,
            a=names[0],
            b=names[1],
            c=names[2],
            d=names[3],
            F=names[4].upper(),
            g=letter_function,
            n=rng.choice((90, 89, 91)),
        )
        pieces.append(with_habits(code, rng, names[5:]))
    rng.shuffle(pieces)
    call = ", ".join(f"{functions[i]}" for i in range(len(PARTS)))
    main = (
        "def report(grades):\n"
        '    """Return (mean, median, best, worst, letter counts) of a list of grades 0-100."""\n'
        f"    # uses: {call}\n"
        f"    {functions[5]}(grades)\n"
        f"    best, worst = {functions[2]}(grades)\n"
        f"    return ({functions[6]}({functions[0]}(grades)), {functions[1]}(grades), best,"
        f" worst, {functions[4]}(grades))\n"
    )
    return "\n\n".join([*pieces, main])


def renamed(code: str, rng: random.Random) -> str:
    """Every name of the student's own changed (whole words only)."""
    own = set(NAMES + FUNCTION_NAMES + [name.upper() for name in NAMES])
    suffix = rng.randint(1, 9)
    return re.sub(r"\b\w+\b", lambda m: f"{m[0]}_{suffix}" if m[0] in own else m[0], code)


def reordered(code: str, rng: random.Random) -> str:
    blocks = code.split("\n\n\n")
    rng.shuffle(blocks)
    return "\n\n\n".join(blocks)


def make_class(students: int, seed: int) -> tuple[list[Program], set[frozenset[int]]]:
    rng = random.Random(seed)
    codes = [student_program(rng) for _ in range(students - 3)]
    copied = [
        renamed(codes[0], rng),
        reordered(codes[1], rng),
        reordered(renamed(codes[2], rng), rng),
    ]
    programs = [Program(key, code) for key, code in enumerate(codes + copied)]
    copies = {
        frozenset({0, students - 3}),
        frozenset({1, students - 2}),
        frozenset({2, students - 1}),
    }
    return programs, copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--keep", type=int, default=MAX_STORED_PAIRS, help="pairs kept (0: all, exact for all)"
    )
    args = parser.parse_args()
    args.keep = args.keep or None
    programs, copies = make_class(args.students, args.seed)
    lines = [code.count("\n") + 1 for code in (program.code for program in programs)]
    print(
        f"{len(programs)} programs, {statistics.mean(lines):.0f} lines on average"
        f" ({min(lines)}-{max(lines)}); {work_units(len(programs), args.keep)} units of work"
    )
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        comparison = compare_programs(
            programs, language="python", excluded=[STARTER, REFERENCE], keep=args.keep
        )
        matches = comparison.matches
        timings.append(time.perf_counter() - started)
    ranks = {
        frozenset({match.first, match.second}): (rank, match.similarity)
        for rank, match in enumerate(matches, start=1)
    }
    for pair in sorted(copies, key=min):
        rank, similarity = ranks.get(pair, (None, 0.0))
        print(f"copied pair {sorted(pair)}: rank {rank}, similarity {similarity:.2f}")
    best_other = next(
        (m.similarity for m in matches if frozenset({m.first, m.second}) not in copies), 0.0
    )
    print(
        f"pairs sharing code: {comparison.pairs_sharing}; kept: {len(matches)}; "
        f"most similar pair that is not a copy: {best_other:.2f}"
    )
    print(
        f"comparison time: median {statistics.median(timings):.2f} s, "
        f"min {min(timings):.2f} s over {args.repeat} runs"
    )
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
