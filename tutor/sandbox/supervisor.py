"""Starts the sandbox process with rlimits and watches it: wall-clock limit, output caps, kill.

Everything here acts from outside the sandbox: the student's code can't lift a limit or stop the
timer. Output is read through pipes, never files, and reading stops at a byte cap.
"""

import contextlib
import json
import math
import os
import resource
import selectors
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from tutor.sandbox.cgroups import CgroupHost, SandboxCgroup
from tutor.sandbox.errors import SandboxUnavailable
from tutor.sandbox.models import Limits

MIB = 1024 * 1024
# The harness's result lines: per test at most a few capped fields, so this is generous.
REPORT_LIMIT_BYTES = 8 * MIB
# After a kill, how long pipes may take to deliver what was written before it.
DRAIN_SECONDS = 1.0
KILL_WAIT_SECONDS = 2.0
READ_CHUNK = 65536

Stop = Literal["timeout", "output_limit"]
MemoryRlimit = Literal["address_space", "data"]


@dataclass(frozen=True)
class Spawn:
    argv: list[str]
    # Written to the program's stdin, which is then closed; must fit in a pipe buffer.
    stdin: bytes
    # Descriptors the program inherits; closed here once it has them.
    pass_fds: Sequence[int]
    # Read end of the harness's result pipe; None for the student's process of a two-process run.
    report_fd: int | None
    # Read end of bwrap's --info-fd, which names the sandbox's first process; None without bwrap.
    info_fd: int | None
    # Run as this uid and gid (the server is root); None: as the server's own user.
    uid: int | None
    # RLIMIT_NPROC counts every process of the uid, so the caller knows what it must be.
    max_processes: int
    env: dict[str, str] | None = None
    cwd: str | None = None
    # How memory is capped: "address_space" (RLIMIT_AS) or "data" (RLIMIT_DATA), for runtimes
    # such as the JVM and V8 that reserve far more address space than they ever touch.
    memory_rlimit: MemoryRlimit = "address_space"
    # Where to make the sandbox's cgroup, which caps its memory and processes as a whole
    # (tutor/sandbox/cgroups.py); None: rlimits only.
    cgroups: CgroupHost | None = None


@dataclass(frozen=True)
class Execution:
    # The exit status bwrap passes on (128 + N when the program died of signal N);
    # negative when killed here.
    exit_code: int | None
    stdout: bytes
    stderr: bytes
    report: bytes
    # Why the run was cut short, if it was.
    stopped: Stop | None
    # Which stream went over its cap, for an output_limit stop.
    flooded: str | None
    duration_ms: float
    # The kernel killed a process for going over a sandbox's memory cap (its cgroup's).
    out_of_memory: bool = False
    # The most memory one sandbox of the run held at once, as its cgroup counted it
    # (None without cgroups).
    memory_peak_bytes: int | None = None


class CappedBuffer:
    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.data = bytearray()
        self.received = 0

    def add(self, chunk: bytes) -> bool:
        """Keep what fits; True once more than the cap has arrived."""
        self.received += len(chunk)
        self.data += chunk[: max(0, self.cap - len(self.data))]
        return self.received > self.cap


def run_supervised(spawn: Spawn, limits: Limits, companion: Spawn | None = None) -> Execution:
    """Run spawn (and its companion, the student's process of a two-process run) within limits.

    The run ends when spawn ends; the companion is then killed. Both share the time limit and
    the output caps; the Execution's exit code is spawn's.
    """
    spawns = [spawn] if companion is None else [companion, spawn]
    if any(len(each.stdin) > 65536 for each in spawns):
        raise ValueError("stdin data must fit in a pipe buffer")
    started = time.monotonic()
    deadline = started + limits.time_seconds
    processes: list[subprocess.Popen[bytes]] = []
    cgroups: list[SandboxCgroup] = []
    try:
        for each in spawns:
            cgroup = _cgroup_for(each, limits)
            if cgroup is not None:
                cgroups.append(cgroup)
            processes.append(_start(each, limits, cgroup))
    except BaseException:
        for process in processes:
            process.kill()
            process.wait()
        for cgroup in cgroups:
            cgroup.remove()
        for each in spawns:
            _close_read_ends(each)
        raise
    finally:
        for each in spawns:
            for fd in each.pass_fds:
                os.close(fd)
    with contextlib.ExitStack() as cleanup:
        for cgroup in cgroups:
            cleanup.callback(cgroup.remove)
        for process, each in zip(processes, spawns, strict=True):
            cleanup.callback(_close_pipes, process, each)
        watch = _Watch(list(zip(processes, spawns, strict=True)), limits)
        cleanup.callback(watch.close)
        try:
            for process, each in zip(processes, spawns, strict=True):
                _send_stdin(process, each.stdin)
            stopped = watch.pump(until=deadline)
            if stopped is None and not _wait(processes[-1], deadline):
                stopped = "timeout"
        except BaseException:
            # E.g. Celery's soft time limit firing in here: never leave the sandbox running.
            watch.kill_all()
            raise
        if stopped is not None:
            watch.kill_all()
        elif companion is not None:
            watch.kill(watch.children[0])
        # Results and output written before the kill still sit in the pipes: read them.
        watch.pump(until=time.monotonic() + DRAIN_SECONDS, enforce_caps=False, everything=True)
        peaks = [peak for cgroup in cgroups if (peak := cgroup.memory_peak_bytes()) is not None]
        return Execution(
            exit_code=processes[-1].wait(),
            stdout=bytes(watch.stdout.data),
            stderr=bytes(watch.stderr.data),
            report=bytes(watch.report.data),
            stopped=stopped,
            flooded=watch.flooded,
            duration_ms=round((time.monotonic() - started) * 1000, 3),
            out_of_memory=any(cgroup.out_of_memory() for cgroup in cgroups),
            memory_peak_bytes=max(peaks) if peaks else None,
        )


def _cgroup_for(spawn: Spawn, limits: Limits) -> SandboxCgroup | None:
    if spawn.cgroups is None:
        return None
    # pids counts the sandbox's own processes (bwrap, its first process) as Limits.processes does.
    try:
        return SandboxCgroup(spawn.cgroups, limits.memory_mb * MIB, limits.processes)
    except OSError as error:
        # Found usable at start, refused now: no run without the limits it was promised.
        raise SandboxUnavailable(f"could not make the sandbox's cgroup: {error}") from error


def rlimits_for(
    limits: Limits, max_processes: int, memory_rlimit: MemoryRlimit = "address_space"
) -> list[tuple[int, int]]:
    # RLIMIT_DATA counts the private writable memory a process maps (heap, anonymous mmaps,
    # thread stacks), not the reservations that the JVM and V8 make without touching them.
    memory = resource.RLIMIT_AS if memory_rlimit == "address_space" else resource.RLIMIT_DATA
    return [
        (memory, limits.memory_mb * MIB),
        # A backstop behind the wall clock, with room for a program using two cores.
        (resource.RLIMIT_CPU, 2 * math.ceil(limits.time_seconds) + 1),
        (resource.RLIMIT_FSIZE, limits.file_size_mb * MIB),
        (resource.RLIMIT_NOFILE, limits.open_files),
        (resource.RLIMIT_NPROC, max_processes),
        (resource.RLIMIT_CORE, 0),
    ]


def _start(spawn: Spawn, limits: Limits, cgroup: SandboxCgroup | None) -> subprocess.Popen[bytes]:
    rlimits = rlimits_for(limits, spawn.max_processes, spawn.memory_rlimit)
    uid = spawn.uid

    def enter_limits() -> None:
        # Runs in the child between fork and exec. It joins the cgroup while still root (the
        # cgroup is root's), then becomes the slot's uid, then takes its rlimits: Popen's own
        # user= would switch before this runs.
        if cgroup is not None:
            cgroup.join()
        if uid is not None:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
        for which, value in rlimits:
            resource.setrlimit(which, (value, value))

    return subprocess.Popen(
        spawn.argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        pass_fds=tuple(spawn.pass_fds),
        # Its own session: signals for the server's process group never reach it, and back.
        start_new_session=True,
        # preexec_fn is unsafe with threads: call run_tests from single-threaded workers
        # (Celery prefork), or from threads only where no other thread may hold a lock at fork.
        preexec_fn=enter_limits,
        env=spawn.env if spawn.env is not None else {},
        cwd=spawn.cwd,
    )


def _send_stdin(process: subprocess.Popen[bytes], data: bytes) -> None:
    assert process.stdin is not None
    # It fits in the pipe buffer, so this never blocks; a sandbox that failed to start is fine.
    with contextlib.suppress(BrokenPipeError):
        process.stdin.write(data)
    with contextlib.suppress(BrokenPipeError):
        process.stdin.close()


def _wait(process: subprocess.Popen[bytes], deadline: float) -> bool:
    """Wait for the exit until the deadline; False when it is still running then."""
    try:
        process.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return False
    return True


def _close_read_ends(spawn: Spawn) -> None:
    for fd in (spawn.report_fd, spawn.info_fd):
        if fd is not None:
            os.close(fd)


def _close_pipes(process: subprocess.Popen[bytes], spawn: Spawn) -> None:
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()
    _close_read_ends(spawn)


class _Child:
    """One started process of the run, and what tells us its sandbox's first process."""

    def __init__(self, process: subprocess.Popen[bytes], spawn: Spawn) -> None:
        self.process = process
        self.uses_bwrap = spawn.info_fd is not None
        self.info = CappedBuffer(4096)
        self.first_process: int | None = None  # a pidfd

    def note_first_process(self) -> None:
        if self.first_process is not None or not self.info.data.rstrip().endswith(b"}"):
            return
        try:
            pid = int(json.loads(self.info.data)["child-pid"])
            pidfd = os.pidfd_open(pid)
        except (ValueError, KeyError, TypeError, ProcessLookupError):
            return
        # The pidfd pins one process; make sure it is bwrap's child, not a recycled pid.
        if _parent_of(pid) == self.process.pid:
            self.first_process = pidfd
        else:
            os.close(pidfd)


class _Watch:
    """Reads every pipe of one run, enforces the byte caps, and kills the run when told to.

    The last child is the one whose end ends the run (the tests' process); the ones before it
    (the student's process) are read from too, but not waited for.
    """

    def __init__(
        self, children: list[tuple[subprocess.Popen[bytes], Spawn]], limits: Limits
    ) -> None:
        self.stdout = CappedBuffer(limits.output_kb * 1024)
        self.stderr = CappedBuffer(limits.output_kb * 1024)
        self.report = CappedBuffer(REPORT_LIMIT_BYTES)
        self.flooded: str | None = None
        self.selector = selectors.DefaultSelector()
        self.children: list[_Child] = []
        self.streams: dict[int, tuple[str, CappedBuffer, _Child]] = {}
        for process, spawn in children:
            assert process.stdout is not None and process.stderr is not None
            child = _Child(process, spawn)
            self.children.append(child)
            self.streams[process.stdout.fileno()] = ("stdout", self.stdout, child)
            self.streams[process.stderr.fileno()] = ("stderr", self.stderr, child)
            if spawn.report_fd is not None:
                self.streams[spawn.report_fd] = ("report", self.report, child)
            if spawn.info_fd is not None:
                self.streams[spawn.info_fd] = ("info", child.info, child)
        self.main = self.children[-1]
        for fd in self.streams:
            self.selector.register(fd, selectors.EVENT_READ)

    def _open(self, everything: bool) -> bool:
        return any(
            everything or self.streams[int(key.fd)][2] is self.main
            for key in self.selector.get_map().values()
        )

    def pump(
        self, until: float, *, enforce_caps: bool = True, everything: bool = False
    ) -> Stop | None:
        """Read until the main child's pipes (or, with everything, all pipes) are closed (None),
        the time is up, or a cap is passed."""
        while self._open(everything):
            remaining = until - time.monotonic()
            if remaining <= 0:
                return "timeout"
            for key, _ in self.selector.select(remaining):
                fd = int(key.fd)
                chunk = os.read(fd, READ_CHUNK)
                if not chunk:
                    self.selector.unregister(fd)
                    continue
                name, buffer, child = self.streams[fd]
                over = buffer.add(chunk)
                if name == "info":
                    child.note_first_process()
                elif over and enforce_caps:
                    self.flooded = name
                    return "output_limit"
        return None

    def kill_all(self) -> None:
        for child in reversed(self.children):
            self.kill(child)

    def kill(self, child: _Child) -> None:
        """SIGKILL the sandbox's first process: the kernel then ends its whole pid namespace.

        Killing bwrap itself would do too (--die-with-parent), but would leave its child as a
        zombie of the slot's uid for init to reap, counted against the next run's process limit.
        """
        if child.first_process is not None:
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(child.first_process, signal.SIGKILL)
        elif child.uses_bwrap:
            # Killed before bwrap even said who its child is: bwrap's death still ends it all.
            child.process.kill()
        else:
            # Without bwrap there is no pid namespace: the process group is what we have.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.process.pid, signal.SIGKILL)
        try:
            child.process.wait(timeout=KILL_WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()

    def close(self) -> None:
        self.selector.close()
        for child in self.children:
            if child.first_process is not None:
                os.close(child.first_process)


def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat_file:
            return int(stat_file.read().rpartition(b")")[2].split()[1])
    except (OSError, ValueError, IndexError):
        return None
