"""run_tests: one graded run, from the student's files to a RunResult."""

import hashlib
import logging
import os
import secrets
import socket
import tempfile
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from tutor.sandbox.bwrap import SANDBOX_LAYOUT, bwrap_argv, bwrap_features, explain_start_failure
from tutor.sandbox.cgroups import cgroup_support
from tutor.sandbox.config import SandboxConfig
from tutor.sandbox.errors import SandboxUnavailable
from tutor.sandbox.io_cases import is_io_case_file
from tutor.sandbox.languages import get_language
from tutor.sandbox.languages.base import Language, Layout, RunSpec, SandboxCommand, TestId
from tutor.sandbox.languages.programs import PYTHON_PROGRAM, get_program_language
from tutor.sandbox.models import Limits, RunResult, SourceFile
from tutor.sandbox.processes import count_processes_of_uid, kill_processes_of_uid
from tutor.sandbox.report import HarnessReport, parse_report
from tutor.sandbox.shared_tmp import shared_tmp
from tutor.sandbox.slots import Slot, acquire_slot
from tutor.sandbox.supervisor import MIB, Execution, Spawn, run_supervised
from tutor.sandbox.verdict import judge

logger = logging.getLogger(__name__)


def run_tests(
    language: str,
    student_files: Sequence[SourceFile],
    test_files: Sequence[SourceFile],
    limits: Limits | None = None,
    *,
    unsafe: bool | None = None,
    config: SandboxConfig | None = None,
    support_files: Sequence[SourceFile] = (),
    data_files: Sequence[SourceFile] = (),
    in_process: bool = False,
    evidence: bool = False,
    reference_files: Sequence[SourceFile] = (),
) -> RunResult:
    """Run the tests against the student's files in fresh sandboxes and report every test.

    The tests run in a sandbox of their own that holds no student code; the student's modules
    live in a second sandbox (another uid when the server is root) and are reached over a
    channel that carries plain values only. support_files are helper modules for the tests (on
    the tests' side only); data_files are for the student's program (on its side only).
    in_process=True runs the old way, tests and student code in one interpreter: the student
    can forge that verdict, so only exercises that declare it use it. evidence=True records
    what the student's code did in each test (TestResult.evidence: calls, lines run, traces of
    the first three failing tests) for hints and the step-through view: for visible tests only,
    since it shows the values the tests pass, and only in the two-process mode.
    reference_files: the exercise's reference solution, read on the host only: its classes are
    the exercise's own, the only objects of the student's that the tests may use in place
    (everything else crosses as a value). Without it, the classes the tests import decide.

    Raises SandboxUnavailable when bubblewrap can't run here, SandboxBusy when no slot frees up
    in time, ValueError for unusable file names and UnknownLanguage for a language without a
    plug-in. C, Java and JavaScript (and Python with `*.toml` input/output cases as its test
    files) are graded as whole programs by program_runner.py. unsafe=None follows the
    configuration (LABTUTOR_SANDBOX_UNSAFE); unsafe=True runs
    without bubblewrap: never on a real server. Call it from single-threaded worker processes
    (Celery prefork): rlimits are set in the child between fork and exec.
    """
    config = config or SandboxConfig.from_env()
    limits = limits or Limits()
    unsafe = config.unsafe if unsafe is None else unsafe
    program_language = get_program_language(language)
    if program_language is not None or (
        test_files and all(is_io_case_file(file) for file in test_files)
    ):
        from tutor.sandbox.program_runner import run_program_tests

        return run_program_tests(
            program_language or PYTHON_PROGRAM,
            student_files,
            test_files,
            limits,
            config=config,
            unsafe=unsafe,
            support_files=support_files,
            data_files=data_files,
        )
    plugin = get_language(language)
    plugin.check_files(student_files, test_files, support_files, data_files)
    if not unsafe:
        bwrap_features(config.bwrap_path)  # fail early and clearly when bwrap is missing
    files = RunFiles(
        student_files, test_files, support_files, data_files, evidence, tuple(reference_files)
    )
    if reference_files and not in_process:
        kinds = reference_kinds(plugin, files, limits, config, unsafe=unsafe)
        files = replace(files, expected_kinds=kinds)
    static_tests = plugin.discover_tests(test_files)
    execution, report = execute_run(plugin, files, limits, config, static_tests, unsafe, in_process)
    return judge(
        report,
        execution,
        [f.name for f in test_files],
        static_tests,
        limits,
        [f.name for f in student_files],
    )


def execute_run(
    plugin: Language,
    files: "RunFiles",
    limits: Limits,
    config: SandboxConfig,
    static_tests: Sequence[TestId],
    unsafe: bool,
    in_process: bool,
) -> tuple[Execution, HarnessReport]:
    """One run in a slot of its own: what it left behind, and its report."""
    nonce = secrets.token_hex(16)
    with acquire_slot(config) as slot:
        try:
            if unsafe:
                execution = _run_unsafe(plugin, files, limits, slot, nonce, in_process)
            else:
                with shared_tmp(config.shared_dir, limits.tmp_size_mb) as tmp:
                    execution = _run_in_bwrap(
                        plugin, files, limits, slot, nonce, config, in_process, tmp
                    )
        finally:
            _empty_slot(slot)
    report = parse_report(execution.report, nonce, static_tests)
    stderr = execution.stderr.decode(errors="replace")
    if not report.ready and not unsafe and stderr.startswith("bwrap:"):
        raise SandboxUnavailable(explain_start_failure(stderr))
    return execution, report


# What each exercise's reference hands out, by its files' contents (one reference run each per
# worker process, not per student run).
REFERENCE_KINDS: OrderedDict[str, dict[str, list[str]]] = OrderedDict()
REFERENCE_KINDS_KEPT = 256


def reference_kinds(
    plugin: Language, files: "RunFiles", limits: Limits, config: SandboxConfig, *, unsafe: bool
) -> dict[str, list[str]]:
    """Run the exercise's reference through the same tests, recording what kind of value each
    place hands out ("solution.to_roman()" -> ["str"]): the exercise, not the student, decides
    which types may cross. Empty for a language that does not record them."""
    key = _content_key(plugin.name, files)
    kinds = REFERENCE_KINDS.get(key)
    if kinds is None:
        reference = replace(
            files, student=files.reference, evidence=False, record_kinds=True, expected_kinds=None
        )
        _, report = execute_run(plugin, reference, limits, config, [], unsafe, in_process=False)
        kinds = report.kinds
        if not report.done:
            # Stopped (time, a kill on a loaded server): what it saw is used, never kept.
            return kinds
        REFERENCE_KINDS[key] = kinds
        while len(REFERENCE_KINDS) > REFERENCE_KINDS_KEPT:
            REFERENCE_KINDS.popitem(last=False)
    REFERENCE_KINDS.move_to_end(key)
    return kinds


def _content_key(language: str, files: "RunFiles") -> str:
    digest = hashlib.sha256(language.encode())
    for group in (files.reference, files.tests, files.support, files.data):
        for file in group:
            for part in (file.name, file.content):
                data = part.encode()
                digest.update(len(data).to_bytes(8, "big") + data)
        digest.update(b"|")
    return digest.hexdigest()


@dataclass(frozen=True)
class RunFiles:
    """What one run places where: the student's side, the tests' side, and what it records."""

    student: Sequence[SourceFile]
    tests: Sequence[SourceFile]
    support: Sequence[SourceFile]
    data: Sequence[SourceFile]
    evidence: bool = False
    reference: Sequence[SourceFile] = ()
    record_kinds: bool = False
    expected_kinds: dict[str, list[str]] | None = None

    def spec(self, limits: Limits, layout: Layout, nonce: str, report_fd: int) -> RunSpec:
        return RunSpec(
            self.student,
            self.tests,
            limits,
            layout,
            nonce,
            report_fd,
            support_files=self.support,
            data_files=self.data,
            evidence=self.evidence,
            reference_files=self.reference,
            record_kinds=self.record_kinds,
            expected_kinds=self.expected_kinds,
        )


def _run_in_bwrap(
    plugin: Language,
    files: RunFiles,
    limits: Limits,
    slot: Slot,
    nonce: str,
    config: SandboxConfig,
    in_process: bool,
    tmp: str,
) -> Execution:
    report_read, report_write = os.pipe()
    tests_end, student_end = _channel()
    open_fds = [report_read, report_write, tests_end, student_end]
    try:
        spec = files.spec(limits, SANDBOX_LAYOUT, nonce, report_write)
        if in_process:
            os.close(tests_end)
            os.close(student_end)
            open_fds = [report_read, report_write]
            command = plugin.build_command(spec, own_uid=slot.has_own_uid)
            tests = _bwrap_spawn(
                command, config, limits, [report_write], report_read, slot.uid, slot, tmp
            )
            open_fds = []
            return run_supervised(tests, limits)
        spec = replace(spec, tests_channel_fd=tests_end, student_channel_fd=student_end)
        commands = plugin.build_commands(spec, own_uid=slot.has_own_uid)
        student = _bwrap_spawn(
            commands.student, config, limits, [student_end], None, slot.uid, slot, tmp
        )
        open_fds = [report_read, report_write, tests_end]
        try:
            tests = _bwrap_spawn(
                commands.tests,
                config,
                limits,
                [report_write, tests_end],
                report_read,
                _tests_uid(slot),
                slot,
                tmp,
            )
        except BaseException:
            _discard(student)
            raise
    except BaseException:
        for fd in open_fds:
            os.close(fd)
        raise
    return run_supervised(tests, limits, companion=student)


def _bwrap_spawn(
    command: SandboxCommand,
    config: SandboxConfig,
    limits: Limits,
    inherited: list[int],
    report_read: int | None,
    uid: int | None,
    slot: Slot,
    tmp: str | None,
) -> Spawn:
    """A Spawn of bwrap around command. Takes inherited (closed once the process has them)."""
    info_read, info_write = os.pipe()
    child_fds = [*inherited, info_write]
    try:
        # Files go in through memfds that bwrap copies into the sandbox's tmpfs: nothing of the
        # run ever touches the host's disk, so there is nothing to clean up or read back.
        file_fds = []
        for placed in command.files:
            fd = _memfd_with(placed.content)
            child_fds.append(fd)
            file_fds.append((fd, placed))
        env = _base_env(SANDBOX_LAYOUT) | command.env
        argv = bwrap_argv(
            config.bwrap_path,
            command,
            env,
            file_fds,
            info_write,
            limits.tmp_size_mb * MIB,
            shared_tmp=tmp,
        )
    except BaseException:
        for fd in [info_read, *child_fds[len(inherited) :]]:
            os.close(fd)
        raise
    return Spawn(
        argv=argv,
        stdin=command.stdin,
        pass_fds=child_fds,
        report_fd=report_read,
        info_fd=info_read,
        uid=uid,
        max_processes=_process_limit(slot, limits),
        cgroups=cgroup_support(config.cgroup_parent).host,
    )


def _discard(spawn: Spawn) -> None:
    for fd in [*spawn.pass_fds, spawn.info_fd]:
        if fd is not None:
            os.close(fd)


def _channel() -> tuple[int, int]:
    """Both ends of the tests' channel to the student's process, as inheritable-later fds."""
    tests_side, student_side = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    return tests_side.detach(), student_side.detach()


def _tests_uid(slot: Slot) -> int | None:
    return slot.tests_uid if slot.tests_uid is not None else slot.uid


def _run_unsafe(
    plugin: Language,
    files: RunFiles,
    limits: Limits,
    slot: Slot,
    nonce: str,
    in_process: bool,
) -> Execution:
    logger.warning(
        "UNSAFE SANDBOX MODE: student code runs WITHOUT bubblewrap (no namespaces, it can read "
        "this server's files and network); rlimits and the time limit only. "
        "Unset LABTUTOR_SANDBOX_UNSAFE on any machine that students use."
    )
    with tempfile.TemporaryDirectory(prefix="labtutor-unsafe-", ignore_cleanup_errors=True) as root:
        os.chmod(root, 0o711)  # noqa: S103 - the slot uids must reach their folders, not list root
        work_dir = os.path.join(root, "work")
        os.mkdir(work_dir)
        os.chmod(work_dir, 0o1777)  # noqa: S103 - shared by the run's two processes; sticky
        tests_layout = _unsafe_layout(root, "tests", work_dir)
        student_layout = _unsafe_layout(root, "student", work_dir)
        report_read, report_write = os.pipe()
        spec = files.spec(limits, tests_layout, nonce, report_write)
        if in_process:
            command = plugin.build_command(spec, own_uid=slot.has_own_uid)
            _write_files(command)
            tests = _plain_spawn(
                command, [report_write], report_read, slot.uid, slot, limits, tests_layout
            )
            return run_supervised(tests, limits)
        tests_end, student_end = _channel()
        spec = replace(
            spec,
            tests_channel_fd=tests_end,
            student_channel_fd=student_end,
            student_layout=student_layout,
        )
        commands = plugin.build_commands(spec, own_uid=slot.has_own_uid)
        _write_files(commands.tests)
        _write_files(commands.student)
        if slot.uid is not None:
            for placed in commands.student.files:
                if placed.path.startswith(work_dir + "/"):
                    os.chown(placed.path, slot.uid, slot.uid)
        student = _plain_spawn(
            commands.student, [student_end], None, slot.uid, slot, limits, student_layout
        )
        tests = _plain_spawn(
            commands.tests,
            [report_write, tests_end],
            report_read,
            _tests_uid(slot),
            slot,
            limits,
            tests_layout,
        )
        return run_supervised(tests, limits, companion=student)


def _unsafe_layout(root: str, name: str, work_dir: str) -> Layout:
    layout = Layout(
        work_dir=work_dir,
        tool_dir=os.path.join(root, name, "tool"),
        tests_dir=os.path.join(root, name, "tests"),
    )
    os.makedirs(layout.tool_dir)
    os.makedirs(layout.tests_dir)  # type: ignore[arg-type]
    os.chmod(os.path.join(root, name), 0o755)  # noqa: S103
    return layout


def _write_files(command: SandboxCommand) -> None:
    for placed in command.files:
        with open(placed.path, "xb") as file:
            file.write(placed.content)
        os.chmod(placed.path, placed.mode)


def _plain_spawn(
    command: SandboxCommand,
    inherited: list[int],
    report_read: int | None,
    uid: int | None,
    slot: Slot,
    limits: Limits,
    layout: Layout,
) -> Spawn:
    return Spawn(
        argv=command.argv,
        stdin=command.stdin,
        pass_fds=inherited,
        report_fd=report_read,
        info_fd=None,
        uid=uid,
        max_processes=_process_limit(slot, limits),
        env=_base_env(layout) | command.env,
        cwd=layout.work_dir,
    )


def _base_env(layout: Layout) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": layout.work_dir, "LANG": "C.UTF-8"}


def _memfd_with(content: bytes) -> int:
    fd = os.memfd_create("labtutor-file")
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
        os.lseek(fd, 0, os.SEEK_SET)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _process_limit(slot: Slot, limits: Limits) -> int:
    if slot.has_own_uid:
        return limits.processes
    # Not root: RLIMIT_NPROC counts all of this user's processes, the server's own included,
    # and concurrent runs share it. A weaker limit, but still a bound on a fork bomb.
    return count_processes_of_uid(os.getuid()) + limits.processes


def _empty_slot(slot: Slot) -> None:
    for uid in (slot.uid, slot.tests_uid):
        if uid is None:
            continue
        survivors = kill_processes_of_uid(uid)
        if survivors:
            logger.error(
                "Sandbox slot %s: processes %s of uid %s survived", slot.index, survivors, uid
            )


def check_sandbox(config: SandboxConfig | None = None) -> None:
    """Grade a one-test exercise through the real sandbox; SandboxUnavailable says what failed."""
    result = run_tests(
        "python",
        [SourceFile("probe.py", "VALUE = 1\n")],
        [
            SourceFile(
                "test_probe.py",
                "from probe import VALUE\n\n\ndef test_value():\n    assert VALUE == 1\n",
            )
        ],
        unsafe=False,
        config=config,
    )
    if not result.passed:
        raise SandboxUnavailable(f"the sandbox started but a trivial test did not pass: {result}")
