"""Sandbox throughput: grade N submissions through real bubblewrap with S runs at once.

    python bench/sandbox_throughput.py --runs 60 --slots 2 [--evidence] [--buggy]
    python bench/sandbox_throughput.py --language c|java|javascript --runs 30
    python bench/sandbox_throughput.py --language java|javascript --framework --runs 10

Each of S worker processes (like Celery prefork children) calls run_tests in a loop. Prints
runs/s, per-run latency, and the overhead against a bare `python -c pass` subprocess and a bare
`bwrap ... python -c pass` with the same isolation options. Then what the process boundary
between the tests and the student's code costs: per run (two sandboxes against the in-process
mode's one) and per call (a test that calls the student's function 10,000 times).
--evidence grades with evidence on (what Run does for the visible tests: calls, lines run, a
traces of the first failing tests); --buggy grades a wrong two_fer, so that tests fail and a trace
is recorded (evidence's dearest case).

With --language c, java or javascript: the curriculum's "sum of numbers" exercise in that
language (its reference solution, compiled, then run on its two visible input/output cases),
graded the same way; prints runs/s, latency, and the share of each run spent compiling.
With --framework: the Exercism-track sample in that language instead (tests/fixtures: Jest for
JavaScript, JUnit 5 + AssertJ for Java), its example graded by the framework's own tests; also
prints what the framework's start-up costs: a cached run of its tests against a cached run of a
plain program of the same language (one input/output case).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tutor.sandbox import Limits, SandboxConfig, SourceFile, run_tests
from tutor.sandbox.bwrap import bwrap_argv
from tutor.sandbox.cgroups import cgroup_support
from tutor.sandbox.languages.base import SandboxCommand
from tutor.sandbox.languages.python import INTERPRETER_FLAGS, find_interpreter

# Away from the server's default uids, so a running dev server is never disturbed;
# LABTUTOR_SANDBOX_FIRST_UID moves it (two benches at once on one machine need two ranges).
BENCH_FIRST_UID = int(os.environ.get("LABTUTOR_SANDBOX_FIRST_UID", "62300"))
STUDENT = [
    SourceFile(
        "two_fer.py",
        'def two_fer(name="you"):\n    return f"One for {name}, one for me."\n',
    )
]
TESTS = [
    SourceFile(
        "test_visible.py",
        "import unittest\n\nfrom two_fer import two_fer\n\n\n"
        "class TwoFerTest(unittest.TestCase):\n"
        "    def test_no_name_given(self):\n"
        '        self.assertEqual(two_fer(), "One for you, one for me.")\n\n'
        "    def test_a_name_given(self):\n"
        '        self.assertEqual(two_fer("Alice"), "One for Alice, one for me.")\n\n'
        "    def test_another_name_given(self):\n"
        '        self.assertEqual(two_fer("Bob"), "One for Bob, one for me.")\n',
    ),
    SourceFile(
        "test_hidden.py",
        "from two_fer import two_fer\n\n\n"
        "def test_empty_name():\n"
        '    assert two_fer("") == "One for , one for me."\n\n\n'
        "def test_long_name():\n"
        '    assert two_fer("x" * 50).startswith("One for xxx")\n',
    ),
]
BUGGY_STUDENT = [
    SourceFile(
        "two_fer.py",
        'def two_fer(name="you"):\n'
        "    words = []\n"
        "    for part in ('One for ', name, ', one for me'):\n"
        "        words.append(part)\n"
        '    return "".join(words)\n',
    )
]
LIMITS = Limits(time_seconds=5, memory_mb=256)
CALLS = 10_000
MANY_CALLS = [
    SourceFile(
        "test_calls.py",
        "import time\n\nfrom two_fer import two_fer\n\n\n"
        "def test_many_calls():\n"
        f"    for n in range({CALLS}):\n"
        '        assert two_fer("Bob") == "One for Bob, one for me."\n',
    )
]


def grade_once(
    config: SandboxConfig, in_process: bool = False, evidence: bool = False, buggy: bool = False
) -> tuple[float, bool]:
    started = time.perf_counter()
    result = run_tests(
        "python",
        BUGGY_STUDENT if buggy else STUDENT,
        TESTS,
        LIMITS,
        unsafe=False,
        config=config,
        in_process=in_process,
        evidence=evidence and not in_process,
    )
    return time.perf_counter() - started, result.passed


def many_calls_ms(
    config: SandboxConfig, in_process: bool, evidence: bool = False
) -> tuple[float, float]:
    """(the whole run, the test alone) in ms, for a test calling the student's function."""
    started = time.perf_counter()
    result = run_tests(
        "python",
        STUDENT,
        MANY_CALLS,
        LIMITS,
        unsafe=False,
        config=config,
        in_process=in_process,
        evidence=evidence and not in_process,
    )
    assert result.passed, result.message
    return (time.perf_counter() - started) * 1000, result.tests[0].duration_ms


def grade_many(
    config: SandboxConfig, count: int, evidence: bool = False, buggy: bool = False
) -> list[tuple[float, bool]]:
    return [grade_once(config, evidence=evidence, buggy=buggy) for _ in range(count)]


def timed_subprocess(argv: list[str], user: int | None, pass_fds: tuple[int, ...] = ()) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, user=user, group=user, pass_fds=pass_fds)
    return time.perf_counter() - started


def baseline(measure: Callable[[], float], repeats: int) -> float:
    measure()  # warm the page cache
    return statistics.mean(measure() for _ in range(repeats))


def bare_bwrap_seconds(config: SandboxConfig, python: str, user: int | None) -> float:
    read_end, write_end = os.pipe()
    try:
        command = SandboxCommand(
            argv=[python, *INTERPRETER_FLAGS, "-c", "pass"],
            files=[],
            env={},
            stdin=b"",
            host_paths=[],
        )
        argv = bwrap_argv(config.bwrap_path, command, {}, [], write_end, LIMITS.tmp_size_mb << 20)
        return timed_subprocess(argv, user, pass_fds=(write_end,))
    finally:
        os.close(read_end)
        os.close(write_end)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


PROGRAM_PREFIXES = {"c": "c", "java": "java", "javascript": "js"}
CURRICULUM = Path(__file__).resolve().parents[1] / "exercises" / "curriculum"
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
FRAMEWORK_SAMPLES = {
    "java": FIXTURES / "exercism_java",
    "javascript": FIXTURES / "exercism_javascript",
}
# Seconds spent compiling in this process's runs (program_runner._compile, timed below).
COMPILE_SECONDS: list[float] = []


def _time_compiles() -> None:
    from tutor.sandbox import program_runner

    original = program_runner._compile

    def timed(*args: object, **kwargs: object) -> object:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            COMPILE_SECONDS.append(time.perf_counter() - started)

    program_runner._compile = timed  # type: ignore[assignment]


def grade_program_many(
    config: SandboxConfig, language: str, count: int, fresh: bool = True, framework: bool = False
) -> tuple[list[tuple[float, bool]], list[float]]:
    """fresh: each run's code differs by a comment, so every run compiles (no build cache)."""
    from exercises.loader import ExerciseSpec, load_exercise, load_exercises
    from tutor.languages import get_language

    spec: ExerciseSpec
    if framework:
        spec = load_exercises(FRAMEWORK_SAMPLES[language]).exercises[0]
    else:
        spec = load_exercise(
            next(CURRICULUM.glob(f"*/{PROGRAM_PREFIXES[language]}-sum-of-numbers"))
        )
    student = [SourceFile(get_language(language).student_filename(spec.module), spec.solution_code)]
    tests = [SourceFile(test.filename, test.code) for test in spec.visible_tests]
    support = [SourceFile(file.filename, file.code) for file in spec.support_files]
    limits = Limits(time_seconds=spec.time_limit_seconds, memory_mb=spec.memory_limit_mb)
    COMPILE_SECONDS.clear()
    runs = []
    for number in range(count):
        if fresh:
            mark = f"\n// run {os.getpid()} {number} {time.time_ns()}\n"
            student = [SourceFile(student[0].name, spec.solution_code + mark)]
        started = time.perf_counter()
        result = run_tests(
            language,
            student,
            tests,
            limits if framework else LIMITS,
            unsafe=False,
            config=config,
            support_files=support,
            in_process=framework,
        )
        runs.append((time.perf_counter() - started, result.passed))
    return runs, list(COMPILE_SECONDS)


def main_program(language: str, runs_wanted: int, slots: int, framework: bool = False) -> None:
    _time_compiles()
    with tempfile.TemporaryDirectory(prefix="labtutor-bench-") as lock_dir:
        config = SandboxConfig(slots=slots, lock_dir=lock_dir, first_uid=BENCH_FIRST_UID)
        sequential, _ = grade_program_many(config, language, 4, framework=framework)
        cached, _ = grade_program_many(config, language, 4, fresh=False, framework=framework)
        plain, _ = grade_program_many(config, language, 4, fresh=False) if framework else ([], [])
        shares = [runs_wanted // slots + (i < runs_wanted % slots) for i in range(slots)]
        many = [config] * slots, [language] * slots
        with ProcessPoolExecutor(max_workers=slots) as pool:
            list(pool.map(grade_program_many, *many, [1] * slots, [True] * slots))
            started = time.perf_counter()
            batches = list(
                pool.map(grade_program_many, *many, shares, [True] * slots, [framework] * slots)
            )
            elapsed = time.perf_counter() - started
    runs = [run for batch, _ in batches for run in batch]
    compiles = [seconds for _, batch in batches for seconds in batch]
    latencies = [seconds for seconds, _ in runs]
    failed = sum(not passed for _, passed in runs)
    print(f"{language}: {os.cpu_count()} CPUs; load {os.getloadavg()}")
    what = "compile + the framework's tests" if framework else "compile + 2 input/output cases"
    print(f"{len(runs)} graded runs ({what}), {slots} at once, in {elapsed:.2f} s")
    print(f"throughput: {len(runs) / elapsed:.2f} runs/s  (runs not passing: {failed})")
    print(
        f"latency at {slots} at once: mean {statistics.mean(latencies) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms; one at a time: "
        f"{statistics.mean(seconds for seconds, _ in sequential[1:]) * 1000:.0f} ms"
    )
    print(
        "the same code again (compiled once, then from the build cache): "
        f"{statistics.mean(seconds for seconds, _ in cached[1:]) * 1000:.0f} ms"
    )
    print(
        f"compile: mean {statistics.mean(compiles) * 1000:.0f} ms, "
        f"{sum(compiles) / sum(latencies) * 100:.0f}% of the graded runs' time"
    )
    if framework:
        tests_run = statistics.mean(seconds for seconds, _ in cached[1:])
        # The plain program's cached run is 2 input/output cases, each a fresh sandbox.
        program_run = statistics.mean(seconds for seconds, _ in plain[1:]) / 2
        print(
            f"framework start-up: its tests' cached run {tests_run * 1000:.0f} ms against a "
            f"plain {language} program's run {program_run * 1000:.0f} ms: "
            f"{(tests_run - program_run) * 1000:.0f} ms for the framework"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--slots", type=int, default=2)
    parser.add_argument("--baseline-repeats", type=int, default=20)
    parser.add_argument(
        "--evidence", action="store_true", help="record evidence, as a Run of visible tests does"
    )
    parser.add_argument("--buggy", action="store_true", help="grade a wrong solution")
    parser.add_argument("--language", choices=["python", *PROGRAM_PREFIXES], default="python")
    parser.add_argument(
        "--framework",
        action="store_true",
        help="java/javascript: grade the Exercism-track sample with JUnit 5 + AssertJ / Jest",
    )
    args = parser.parse_args()
    if args.framework and args.language not in FRAMEWORK_SAMPLES:
        parser.error("--framework needs --language java or javascript")
    if args.language != "python":
        main_program(args.language, args.runs, args.slots, args.framework)
        return
    evidence, buggy = args.evidence, args.buggy

    with tempfile.TemporaryDirectory(prefix="labtutor-bench-") as lock_dir:
        config = SandboxConfig(slots=args.slots, lock_dir=lock_dir, first_uid=BENCH_FIRST_UID)
        user = BENCH_FIRST_UID if os.geteuid() == 0 else None
        python = find_interpreter(must_be_world_readable=user is not None)
        bare_python = baseline(
            lambda: timed_subprocess([python, *INTERPRETER_FLAGS, "-c", "pass"], user),
            args.baseline_repeats,
        )
        bare_bwrap = baseline(
            lambda: bare_bwrap_seconds(config, python, user), args.baseline_repeats
        )
        sequential = [
            seconds
            for seconds, _ in grade_many(config, args.baseline_repeats + 1, evidence, buggy)[1:]
        ]
        in_process_runs = [
            grade_once(config, in_process=True)[0] for _ in range(args.baseline_repeats)
        ]
        in_process_mean = statistics.mean(in_process_runs)
        remote_calls = [many_calls_ms(config, False, evidence) for _ in range(3)]
        local_calls = [many_calls_ms(config, in_process=True) for _ in range(3)]

        shares = [args.runs // args.slots + (i < args.runs % args.slots) for i in range(args.slots)]
        with ProcessPoolExecutor(max_workers=args.slots) as pool:
            flags = [evidence] * args.slots
            wrong = [buggy] * args.slots
            list(pool.map(grade_many, [config] * args.slots, [1] * args.slots, flags, wrong))
            started = time.perf_counter()
            batches = list(pool.map(grade_many, [config] * args.slots, shares, flags, wrong))
            elapsed = time.perf_counter() - started

    runs = [run for batch in batches for run in batch]
    latencies = [seconds for seconds, _ in runs]
    failed = sum(not passed for _, passed in runs)
    mean = statistics.mean(latencies)
    print(f"interpreter in the sandbox: {python}; {os.cpu_count()} CPUs; load {os.getloadavg()}")
    print(f"limits per sandbox: {cgroup_support().description}")
    print(f"evidence: {'on' if evidence else 'off'}; student: {'buggy' if buggy else 'correct'}")
    print(f"{len(runs)} graded runs (5 tests each), {args.slots} at once, in {elapsed:.2f} s")
    print(f"throughput: {len(runs) / elapsed:.1f} runs/s  (runs not passing: {failed})")
    p95 = percentile(latencies, 0.95)
    print(f"latency at {args.slots} at once: mean {mean * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
    seq_mean = statistics.mean(sequential)
    print(f"latency one at a time:  mean {seq_mean * 1000:.1f} ms")
    print(f"bare `python -c pass`:        {bare_python * 1000:.1f} ms")
    print(f"bare `bwrap ... python -c pass`: {bare_bwrap * 1000:.1f} ms")
    print(
        f"overhead of a graded run (one at a time): +{(seq_mean - bare_python) * 1000:.1f} ms "
        f"vs bare python, +{(seq_mean - bare_bwrap) * 1000:.1f} ms vs bare bwrap"
    )
    boundary_ms = (seq_mean - in_process_mean) * 1000
    print(
        f"the boundary per run: {seq_mean * 1000:.1f} ms in two sandboxes vs "
        f"{in_process_mean * 1000:.1f} ms in-process (+{boundary_ms:.1f} ms)"
    )
    remote_run, remote_test = min(remote_calls)
    _, local_test = min(local_calls)
    print(
        f"a test calling the student's function {CALLS} times: the test {remote_test:.0f} ms "
        f"(run {remote_run:.0f} ms) vs {local_test:.0f} ms in-process; the boundary per call: "
        f"{(remote_test - local_test) * 1000 / CALLS:.1f} us (best of 3)"
    )


if __name__ == "__main__":
    main()
