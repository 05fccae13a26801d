"""Grading a whole program (C, Java, JavaScript): compile once, then run it once per test case.

Every step is its own bubblewrap sandbox as the slot's uid, under the same rlimits, wall clock
and output caps as a Python run (supervisor.py). The compile writes into its run's /tmp/work, a
host folder that is then kept in the build cache (build_cache.py: the same files are compiled
once for a Run and the Submit after it); each case gets a fresh sandbox with a private /tmp and
the build bound read-only at /opt/program, so that nothing one case writes reaches the next.

Input/output cases: the host compares, and only a case's stdin and arguments enter the sandbox.
Native unit tests (Unity for C) are compiled into the student's program, which prints their
verdicts: a student can forge those, and exercises using them are marked in_process.
"""

import dataclasses
import time
from collections.abc import Sequence

from tutor.sandbox.build_cache import build_folder, build_key, cached_build, store_build
from tutor.sandbox.bwrap import bwrap_features, explain_start_failure
from tutor.sandbox.config import SandboxConfig
from tutor.sandbox.errors import SandboxUnavailable
from tutor.sandbox.io_cases import IoCase, compare, is_io_case_file, parse_cases
from tutor.sandbox.languages.base import PlacedFile, SandboxCommand
from tutor.sandbox.languages.programs import (
    BUILD_SUBDIR,
    BUILD_WORK_DIR,
    PROGRAM_DIR,
    Diagnostic,
    ProgramLanguage,
)
from tutor.sandbox.models import Limits, RunResult, RunStatus, SourceFile, TestResult
from tutor.sandbox.native_tests import (
    NativeFormat,
    native_tests,
    native_verdicts,
    shown_output,
)
from tutor.sandbox.runner import _bwrap_spawn, _empty_slot
from tutor.sandbox.shared_tmp import shared_tmp
from tutor.sandbox.slots import Slot, acquire_slot
from tutor.sandbox.supervisor import Execution, run_supervised
from tutor.sandbox.verdict import _exit_description

# How the runtimes say they ran out of the memory they were given.
OUT_OF_MEMORY_MARKERS = (
    b"java.lang.OutOfMemoryError",
    b"JavaScript heap out of memory",
    b"Reached heap limit",
)
MAX_DIAGNOSTICS = 20


def run_program_tests(
    plugin: ProgramLanguage,
    student_files: Sequence[SourceFile],
    test_files: Sequence[SourceFile],
    limits: Limits,
    *,
    config: SandboxConfig,
    unsafe: bool,
    support_files: Sequence[SourceFile] = (),
    data_files: Sequence[SourceFile] = (),
) -> RunResult:
    """Input/output cases when every test file is one (`*.toml`), else native unit tests."""
    if unsafe:
        raise SandboxUnavailable(
            f"{plugin.name} programs are graded only inside bubblewrap; "
            "unset LABTUTOR_SANDBOX_UNSAFE and install bubblewrap"
        )
    bwrap_features(config.bwrap_path)
    io_mode = all(is_io_case_file(file) for file in test_files)
    cases = (
        [(file.name, case) for file in test_files for case in parse_cases(file)] if io_mode else []
    )
    in_build = [*student_files] if io_mode else [*student_files, *test_files, *support_files]
    plugin.check_files(student_files, [*in_build[len(student_files) :], *data_files])
    started = time.monotonic()
    key = build_key(plugin.name, repr(plugin), in_build)
    with acquire_slot(config) as slot:
        try:
            entry = cached_build(config.shared_dir, key)
            if entry is None:
                with shared_tmp(config.shared_dir, max(limits.tmp_size_mb, 64)) as tmp:
                    build = _compile(plugin, in_build, limits, slot, config, tmp)
                    if build.stopped is not None or build.exit_code != 0:
                        native_format = plugin.native_format_for([f.name for f in test_files])
                        tests = _expected_tests(test_files, cases, io_mode, native_format)
                        return _build_failure(plugin, build, tests, student_files, limits, started)
                    entry = store_build(config.shared_dir, key, f"{tmp}/work")
            run = _Runner(plugin, student_files[0].name, build_folder(entry), data_files, limits)
            if io_mode:
                return _run_cases(run, cases, slot, config, started)
            return _run_native(run, test_files, slot, config, started)
        finally:
            _empty_slot(slot)


def _compile(
    plugin: ProgramLanguage,
    files: Sequence[SourceFile],
    limits: Limits,
    slot: Slot,
    config: SandboxConfig,
    tmp: str,
) -> Execution:
    compile_limits = plugin.compile_limits(limits)
    sources = [f"{BUILD_WORK_DIR}/{file.name}" for file in files]
    command = SandboxCommand(
        argv=plugin.compile_argv(sources, limits),
        files=[
            PlacedFile(path, file.content.encode())
            for path, file in zip(sources, files, strict=True)
        ]
        # An empty placeholder makes bwrap create the build folder, owned by the slot's uid.
        + [PlacedFile(f"{BUILD_WORK_DIR}/{BUILD_SUBDIR}/.keep", b"")],
        env={"TMPDIR": "/tmp"},  # noqa: S108
        stdin=b"",
        host_paths=plugin.toolchain_paths(),
        read_only_binds=plugin.toolchain_binds(),
    )
    return _execute(plugin, command, compile_limits, slot, config, tmp)


def _execute(
    plugin: ProgramLanguage,
    command: SandboxCommand,
    limits: Limits,
    slot: Slot,
    config: SandboxConfig,
    tmp: str | None,
) -> Execution:
    spawn = _bwrap_spawn(command, config, limits, [], None, slot.uid, slot, tmp)
    spawn = dataclasses.replace(spawn, memory_rlimit=plugin.memory_rlimit)
    execution = run_supervised(spawn, limits)
    if execution.exit_code not in (0, None) and execution.stderr.startswith(b"bwrap:"):
        raise SandboxUnavailable(explain_start_failure(execution.stderr.decode(errors="replace")))
    return execution


@dataclasses.dataclass(frozen=True)
class _Runner:
    """How to run the built program: each run a fresh sandbox over the build, read-only."""

    plugin: ProgramLanguage
    main: str
    build: str  # the host folder holding the build
    data_files: Sequence[SourceFile]
    limits: Limits

    def run(
        self,
        args: Sequence[str],
        stdin: str,
        slot: Slot,
        config: SandboxConfig,
        argv: list[str] | None = None,
    ) -> Execution:
        run_limits = self.plugin.run_limits(self.limits)
        command = SandboxCommand(
            argv=argv or self.plugin.run_argv(self.main, args, run_limits),
            files=[
                PlacedFile(f"{BUILD_WORK_DIR}/{file.name}", file.content.encode())
                for file in self.data_files
            ],
            env={"TMPDIR": "/tmp"},  # noqa: S108
            stdin=stdin.encode(),
            host_paths=self.plugin.toolchain_paths(),
            read_only_binds=[*self.plugin.toolchain_binds(), (self.build, PROGRAM_DIR)],
        )
        # tmp=None: a private /tmp for this run; the build is only reachable read-only.
        return _execute(self.plugin, command, run_limits, slot, config, None)


def _run_cases(
    run: _Runner,
    cases: Sequence[tuple[str, IoCase]],
    slot: Slot,
    config: SandboxConfig,
    started: float,
) -> RunResult:
    limits = run.limits
    results: list[TestResult] = []
    status: RunStatus = "completed"
    why = ""
    peaks: list[int] = []
    for file, case in cases:
        if status != "completed":
            results.append(_error(file, case.name, f"not run: {why} in an earlier case"))
            continue
        execution = run.run(case.args, case.stdin, slot, config)
        if execution.memory_peak_bytes is not None:
            peaks.append(execution.memory_peak_bytes)
        stdout = _text(execution.stdout, limits.test_output_kb)
        stderr = _text(execution.stderr, limits.test_output_kb)
        stopped = _limit_hit(execution)
        if stopped is not None:
            status, why = stopped, _why(stopped, limits)
            results.append(_error(file, case.name, f"stopped: {why}", stdout, stderr, execution))
            continue
        comparison = compare(case, execution.stdout.decode(errors="replace"), execution.exit_code)
        message = comparison.message
        if not comparison.passed and _killed(execution.exit_code):
            message = f"the program crashed ({_exit_description(execution.exit_code)})"
        results.append(
            TestResult(
                file=file,
                name=case.name,
                outcome="passed" if comparison.passed else "failed",
                message=message,
                expected=case.stdout,
                actual=stdout,
                stdout=stdout,
                stderr=stderr,
                duration_ms=execution.duration_ms,
            )
        )
    result = _result(status, results, limits, started)
    return dataclasses.replace(result, memory_peak_bytes=max(peaks) if peaks else None)


def _run_native(
    run: _Runner,
    test_files: Sequence[SourceFile],
    slot: Slot,
    config: SandboxConfig,
    started: float,
) -> RunResult:
    """The tests and the student's code in one program, which prints a verdict per test (Unity
    lines, TAP). Only tests the host found in the test files count."""
    limits = run.limits
    native_format = run.plugin.native_format_for([file.name for file in test_files])
    if native_format is None:
        raise ValueError(f"{run.plugin.name} has no native unit tests: use input/output cases")
    argv = run.plugin.native_argv(run.main, [file.name for file in test_files], limits)
    execution = run.run((), "", slot, config, argv=argv)
    stopped = _limit_hit(execution)
    verdicts = native_verdicts(
        native_format, execution.stdout.decode(errors="replace"), student_file=run.main
    )
    results = []
    why = _why(stopped, limits) if stopped else _exit_description(execution.exit_code)
    for file, name in native_tests(native_format, test_files):
        verdict = verdicts.get(name)
        if verdict is None:
            results.append(_error(file, name, f"stopped: {why} before this test reported"))
            continue
        results.append(
            TestResult(
                file=file,
                name=name,
                outcome=verdict.outcome,
                message=verdict.message,
                line=verdict.line,
            )
        )
    status: RunStatus = stopped or "completed"
    result = _result(status, results, limits, started)
    return dataclasses.replace(
        result,
        stdout=_text(shown_output(native_format, execution.stdout), limits.output_kb),
        stderr=_text(execution.stderr, limits.output_kb),
        exit_code=execution.exit_code,
        memory_peak_bytes=execution.memory_peak_bytes,
    )


def _expected_tests(
    test_files: Sequence[SourceFile],
    cases: Sequence[tuple[str, IoCase]],
    io_mode: bool,
    plugin_format: NativeFormat | None,
) -> list[tuple[str, str]]:
    if io_mode or plugin_format is None:
        return [(file, case.name) for file, case in cases]
    return native_tests(plugin_format, test_files)


def _build_failure(
    plugin: ProgramLanguage,
    build: Execution,
    tests: Sequence[tuple[str, str]],
    student_files: Sequence[SourceFile],
    limits: Limits,
    started: float,
) -> RunResult:
    output = build.stderr.decode(errors="replace") + build.stdout.decode(errors="replace")
    if build.stopped is not None:
        message = (
            "Compiling your code took too long, so it was stopped."
            if build.stopped == "timeout"
            else "The compiler printed too much, so it was stopped."
        )
        first = None
    else:
        diagnostics = plugin.diagnostics(output)[:MAX_DIAGNOSTICS]
        first = _first_in(diagnostics, {file.name for file in student_files})
        message = _compile_message(plugin, first, output)
    results = [
        TestResult(
            file=file,
            name=name,
            outcome="error",
            message=message,
            line=first.line if first is not None else None,
            # The compiler's whole output once, on the first test ("Explain this error").
            traceback=output[: limits.test_output_kb * 1024] if index == 0 else "",
        )
        for index, (file, name) in enumerate(tests)
    ]
    return RunResult(
        status="compile_error",
        tests=results,
        message=message,
        stderr=_text(build.stderr, limits.output_kb),
        stdout=_text(build.stdout, limits.output_kb),
        duration_ms=round((time.monotonic() - started) * 1000, 3),
        exit_code=build.exit_code,
    )


def _first_in(diagnostics: Sequence[Diagnostic], student_names: set[str]) -> Diagnostic | None:
    own = [item for item in diagnostics if item.file in student_names]
    candidates = own or list(diagnostics)
    return candidates[0] if candidates else None


def _compile_message(plugin: ProgramLanguage, first: Diagnostic | None, output: str) -> str:
    what = "has a syntax error" if plugin.interpreted else "does not compile"
    if first is None:
        detail = next((line.strip() for line in output.splitlines() if line.strip()), "")
        return f"Your code {what}: {detail[:300]}".rstrip(": ") + "."
    where = f" on line {first.line}" if first.line is not None else ""
    return f"{first.file} {what}{where}: {first.message}"


def _limit_hit(execution: Execution) -> RunStatus | None:
    if execution.out_of_memory:
        return "memory_limit"
    if execution.stopped is not None:
        return execution.stopped
    if any(marker in execution.stderr for marker in OUT_OF_MEMORY_MARKERS):
        return "memory_limit"
    return None


def _why(status: RunStatus, limits: Limits) -> str:
    if status == "timeout":
        return f"the program ran past the {limits.time_seconds:g} s time limit"
    if status == "output_limit":
        return f"the program printed more than {limits.output_kb} KiB"
    if status == "memory_limit":
        return f"the program used more than {limits.memory_mb} MB of memory"
    return "the program stopped unexpectedly"


def _killed(exit_code: int | None) -> bool:
    return exit_code is not None and (exit_code < 0 or 128 < exit_code <= 128 + 64)


def _error(
    file: str,
    name: str,
    message: str,
    stdout: str = "",
    stderr: str = "",
    execution: Execution | None = None,
) -> TestResult:
    return TestResult(
        file=file,
        name=name,
        outcome="error",
        message=message,
        stdout=stdout,
        stderr=stderr,
        duration_ms=execution.duration_ms if execution is not None else 0.0,
    )


def _result(
    status: RunStatus, tests: list[TestResult], limits: Limits, started: float
) -> RunResult:
    passed = sum(test.outcome == "passed" for test in tests)
    if status == "completed":
        if not tests:
            message = "No tests were found."
        elif passed == len(tests):
            message = f"All {len(tests)} tests passed." if len(tests) > 1 else "The test passed."
        else:
            message = f"{passed} of {len(tests)} tests passed."
    else:
        hint = {
            "timeout": "Look for a loop that never ends.",
            "memory_limit": "Look for a list or string that keeps growing.",
            "output_limit": "Look for a print inside a loop that never ends.",
        }.get(status, "")
        progress = f"{passed} of {len(tests)} tests passed before that."
        message = " ".join(
            part
            for part in (f"Your program stopped: {_why(status, limits)}.", hint, progress)
            if part
        )
    return RunResult(
        status=status,
        tests=tests,
        message=message,
        duration_ms=round((time.monotonic() - started) * 1000, 3),
    )


def _text(data: bytes, cap_kb: int) -> str:
    text = data[: cap_kb * 1024].decode("utf-8", errors="replace")
    return text + ("\n[output cut]" if len(data) > cap_kb * 1024 else "")
