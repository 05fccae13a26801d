"""run_tests: one graded run, from the student's files to a RunResult."""

import logging
import os
import secrets
import tempfile
from collections.abc import Sequence

from tutor.sandbox.bwrap import SANDBOX_LAYOUT, bwrap_argv, bwrap_features, explain_start_failure
from tutor.sandbox.config import SandboxConfig
from tutor.sandbox.errors import SandboxUnavailable
from tutor.sandbox.languages import get_language
from tutor.sandbox.languages.base import Language, Layout, RunSpec
from tutor.sandbox.models import Limits, RunResult, SourceFile
from tutor.sandbox.processes import count_processes_of_uid, kill_processes_of_uid
from tutor.sandbox.report import parse_report
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
) -> RunResult:
    """Run the tests against the student's files in a fresh sandbox and report every test.

    Raises SandboxUnavailable when bubblewrap can't run here, SandboxBusy when no slot frees up
    in time, ValueError for unusable file names and UnknownLanguage for a language without a
    plug-in. unsafe=None follows the configuration (LABTUTOR_SANDBOX_UNSAFE); unsafe=True runs
    without bubblewrap: never on a real server. Call it from single-threaded worker processes
    (Celery prefork): rlimits are set in the child between fork and exec.
    """
    config = config or SandboxConfig.from_env()
    limits = limits or Limits()
    unsafe = config.unsafe if unsafe is None else unsafe
    plugin = get_language(language)
    plugin.check_files(student_files, test_files)
    if not unsafe:
        bwrap_features(config.bwrap_path)  # fail early and clearly when bwrap is missing
    nonce = secrets.token_hex(16)
    with acquire_slot(config) as slot:
        try:
            if unsafe:
                execution = _run_unsafe(plugin, student_files, test_files, limits, slot, nonce)
            else:
                execution = _run_in_bwrap(
                    plugin, student_files, test_files, limits, slot, nonce, config
                )
        finally:
            _empty_slot(slot)
    report = parse_report(execution.report, nonce)
    stderr = execution.stderr.decode(errors="replace")
    if not report.ready and not unsafe and stderr.startswith("bwrap:"):
        raise SandboxUnavailable(explain_start_failure(stderr))
    static_tests = plugin.discover_tests(test_files)
    return judge(report, execution, [f.name for f in test_files], static_tests, limits)


def _run_in_bwrap(
    plugin: Language,
    student_files: Sequence[SourceFile],
    test_files: Sequence[SourceFile],
    limits: Limits,
    slot: Slot,
    nonce: str,
    config: SandboxConfig,
) -> Execution:
    report_read, report_write = os.pipe()
    info_read, info_write = os.pipe()
    child_fds = [report_write, info_write]
    try:
        spec = RunSpec(student_files, test_files, limits, SANDBOX_LAYOUT, nonce, report_write)
        command = plugin.build_command(spec, own_uid=slot.has_own_uid)
        # Files go in through memfds that bwrap copies into the sandbox's tmpfs: nothing of the
        # run ever touches the host's disk, so there is nothing to clean up or read back.
        file_fds = []
        for placed in command.files:
            fd = _memfd_with(placed.content)
            child_fds.append(fd)
            file_fds.append((fd, placed))
        env = _base_env(SANDBOX_LAYOUT) | command.env
        argv = bwrap_argv(
            config.bwrap_path, command, env, file_fds, info_write, limits.tmp_size_mb * MIB
        )
    except BaseException:
        for fd in [report_read, info_read, *child_fds]:
            os.close(fd)
        raise
    spawn = Spawn(
        argv=argv,
        stdin=command.stdin,
        pass_fds=child_fds,
        report_fd=report_read,
        info_fd=info_read,
        uid=slot.uid,
        max_processes=_process_limit(slot, limits),
    )
    return run_supervised(spawn, limits)


def _run_unsafe(
    plugin: Language,
    student_files: Sequence[SourceFile],
    test_files: Sequence[SourceFile],
    limits: Limits,
    slot: Slot,
    nonce: str,
) -> Execution:
    logger.warning(
        "UNSAFE SANDBOX MODE: student code runs WITHOUT bubblewrap (no namespaces, it can read "
        "this server's files and network); rlimits and the time limit only. "
        "Unset LABTUTOR_SANDBOX_UNSAFE on any machine that students use."
    )
    with tempfile.TemporaryDirectory(prefix="labtutor-unsafe-", ignore_cleanup_errors=True) as root:
        layout = Layout(work_dir=os.path.join(root, "work"), tool_dir=os.path.join(root, "tool"))
        os.mkdir(layout.work_dir)
        os.mkdir(layout.tool_dir)
        report_read, report_write = os.pipe()
        spec = RunSpec(student_files, test_files, limits, layout, nonce, report_write)
        command = plugin.build_command(spec, own_uid=slot.has_own_uid)
        for placed in command.files:
            with open(placed.path, "xb") as file:
                file.write(placed.content)
            os.chmod(placed.path, placed.mode)
        if slot.uid is not None:
            os.chmod(root, 0o711)  # noqa: S103 - the slot uid must reach work/, not list root
            os.chown(layout.work_dir, slot.uid, slot.uid)
        spawn = Spawn(
            argv=command.argv,
            stdin=command.stdin,
            pass_fds=[report_write],
            report_fd=report_read,
            info_fd=None,
            uid=slot.uid,
            max_processes=_process_limit(slot, limits),
            env=_base_env(layout) | command.env,
            cwd=layout.work_dir,
        )
        return run_supervised(spawn, limits)


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
    if slot.uid is None:
        return
    survivors = kill_processes_of_uid(slot.uid)
    if survivors:
        logger.error(
            "Sandbox slot %s: processes %s of uid %s survived", slot.index, survivors, slot.uid
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
