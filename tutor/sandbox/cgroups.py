"""Caps on a whole sandbox, not on each of its processes: memory and process count, by cgroup.

rlimits bound one process (RLIMIT_AS) or one uid (RLIMIT_NPROC): a Run that forked 14 children
held 3.2 GB under a 256 MB limit, and the pages of a memfd or of /tmp are in no process's address
space. A cgroup counts every page its processes charge (anonymous, tmpfs and memfd alike) and
every process they start. So each sandbox gets a cgroup of its own: made before it starts,
joined by the sandbox's first process between fork and exec (everything it starts is inside),
read after it ends (peak memory, out-of-memory kills), then removed.

cgroup v2 where the server has its memory and pids controllers, v1 otherwise. With neither, or
without the right to make cgroups (a server that is not root and has no delegated cgroup), the
sandboxes run under rlimits only, and that is logged once per process (docs/deployment.md).
"""

import contextlib
import functools
import itertools
import logging
import os
import signal
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

logger = logging.getLogger(__name__)

MOUNTINFO = "/proc/self/mountinfo"
OWN_CGROUPS = "/proc/self/cgroup"
# Made under the server's own cgroup, so that whatever limits the server holds the sandboxes too.
PARENT_NAME = "labtutor-sandbox"
CONTROLLERS = ("memory", "pids")
REMOVE_WAIT_SECONDS = 2.0
_names = itertools.count()


@dataclass(frozen=True)
class CgroupHost:
    """Where this server makes its sandboxes' cgroups."""

    version: Literal[1, 2]
    # v2: one folder; v1: the memory controller's folder, then the pids controller's.
    parents: tuple[str, ...]


@dataclass(frozen=True)
class CgroupSupport:
    host: CgroupHost | None
    # What is used, or why nothing is (logged once).
    description: str


def cgroup_support(parent: str = "") -> CgroupSupport:
    """The cgroups this server can make, looked up once per process and parent.

    parent: a folder inside the cgroup hierarchy to make sandboxes under (a delegated cgroup,
    for a server that is not root); "": PARENT_NAME under the server's own cgroup.
    """
    support = _cgroup_support(parent)
    if support.host is None:
        _warn_once(support.description)
    return support


@functools.cache
def _cgroup_support(parent: str) -> CgroupSupport:
    mounts = _cgroup_mounts()
    own = _own_cgroups()
    reasons = []
    v2_mount = mounts.get("cgroup2")
    if v2_mount is not None and set(CONTROLLERS) <= _v2_controllers(v2_mount):
        try:
            folder = _make_v2_parent(v2_mount, own.get("", "/"), parent)
            return CgroupSupport(CgroupHost(2, (folder,)), f"cgroup v2 under {folder}")
        except OSError as error:
            reasons.append(f"cgroup v2: {error}")
    if all(controller in mounts for controller in CONTROLLERS):
        try:
            folders = tuple(
                _make_folder(
                    _inside(mounts[controller], parent or own.get(controller, "/"), not parent)
                )
                for controller in CONTROLLERS
            )
            return CgroupSupport(CgroupHost(1, folders), f"cgroup v1 under {', '.join(folders)}")
        except OSError as error:
            reasons.append(f"cgroup v1: {error}")
    if not reasons:
        reasons.append("neither cgroup v2 with memory and pids nor cgroup v1 memory and pids")
    return CgroupSupport(None, "; ".join(reasons))


def _inside(mount: str, path: str, own_folder: bool) -> str:
    folder = os.path.join(mount, path.lstrip("/"))
    return os.path.join(folder, PARENT_NAME) if own_folder else folder


@functools.cache
def _warn_once(reason: str) -> None:
    logger.warning(
        "No cgroups for the sandbox (%s): memory and process limits hold per process and per "
        "uid only, so a Run that forks can use its memory limit once per process "
        "(docs/deployment.md, 'Limits per sandbox')",
        reason,
    )


def _cgroup_mounts() -> dict[str, str]:
    """Mount points by controller name (v1) and "cgroup2" (the unified hierarchy)."""
    mounts: dict[str, str] = {}
    try:
        with open(MOUNTINFO) as mountinfo:
            lines = mountinfo.read().splitlines()
    except OSError:
        return mounts
    for line in lines:
        before, _, after = line.partition(" - ")
        fields, tail = before.split(), after.split()
        if len(fields) < 5 or len(tail) < 3:
            continue
        mount_point, fs_type, options = fields[4], tail[0], tail[2].split(",")
        if fs_type == "cgroup2":
            mounts.setdefault("cgroup2", mount_point)
        elif fs_type == "cgroup":
            for option in options:
                mounts.setdefault(option, mount_point)
    return mounts


def _own_cgroups() -> dict[str, str]:
    """This process's cgroup path per v1 controller, and "" for the v2 hierarchy."""
    own: dict[str, str] = {}
    with contextlib.suppress(OSError), open(OWN_CGROUPS) as cgroups:
        for line in cgroups.read().splitlines():
            _, controllers, path = line.split(":", 2)
            for controller in controllers.split(",") if controllers else [""]:
                own[controller] = path
    return own


def _v2_controllers(folder: str) -> set[str]:
    try:
        with open(os.path.join(folder, "cgroup.controllers")) as controllers:
            return set(controllers.read().split())
    except OSError:
        return set()


def _make_v2_parent(mount: str, own: str, configured: str) -> str:
    """A folder whose children get memory and pids. v2 lets a cgroup hand controllers to its
    children only while it holds no process itself: a delegated, empty folder (configured), else
    the server's own cgroup if it is empty, else the root (which a root server may use)."""
    if configured:
        folder = _make_folder(os.path.join(mount, configured.lstrip("/")))
        _enable_controllers(folder)
        return folder
    failure = OSError("no cgroup to make sandboxes under")
    for above in dict.fromkeys([own, "/"]):
        try:
            above_folder = os.path.join(mount, above.lstrip("/"))
            _enable_controllers(above_folder)
            folder = _make_folder(os.path.join(above_folder, PARENT_NAME))
            _enable_controllers(folder)
            return folder
        except OSError as error:
            failure = error
    raise failure


def _enable_controllers(folder: str) -> None:
    _write(os.path.join(folder, "cgroup.subtree_control"), " ".join(f"+{c}" for c in CONTROLLERS))


def _make_folder(folder: str) -> str:
    os.makedirs(folder, mode=0o755, exist_ok=True)
    # A folder we can't make children in is as good as none: find that out now, not per run.
    probe = os.path.join(folder, f"probe-{os.getpid()}")
    os.mkdir(probe)
    try:
        if not os.path.exists(os.path.join(probe, "cgroup.procs")):
            raise OSError(f"{folder} is not in a cgroup file system")
    finally:
        os.rmdir(probe)
    return folder


class SandboxCgroup:
    """One sandbox's cgroup (on v1, one folder per controller)."""

    def __init__(self, host: CgroupHost, memory_bytes: int, max_processes: int) -> None:
        self.version = host.version
        name = f"run-{os.getpid()}-{next(_names)}"
        self.folders = tuple(os.path.join(parent, name) for parent in host.parents)
        made: list[str] = []
        try:
            for folder in self.folders:
                os.mkdir(folder, 0o755)
                made.append(folder)
            self._set_limits(memory_bytes, max_processes)
        except BaseException:
            for folder in reversed(made):
                with contextlib.suppress(OSError):
                    os.rmdir(folder)
            raise
        # Opened here, in the server: the child between fork and exec only writes to them.
        self.procs_files = tuple(os.path.join(folder, "cgroup.procs") for folder in self.folders)

    def _set_limits(self, memory_bytes: int, max_processes: int) -> None:
        if self.version == 2:
            (folder,) = self.folders
            _write(os.path.join(folder, "memory.max"), str(memory_bytes))
            # Nothing swapped out beyond the cap either (the file exists only with swap).
            _write_if_there(os.path.join(folder, "memory.swap.max"), "0")
            _write(os.path.join(folder, "pids.max"), str(max_processes))
            return
        memory, pids = self.folders
        _write(os.path.join(memory, "memory.limit_in_bytes"), str(memory_bytes))
        # memsw counts memory plus swap (with swap accounting on): equal, so no swapping past it.
        _write_if_there(os.path.join(memory, "memory.memsw.limit_in_bytes"), str(memory_bytes))
        _write(os.path.join(pids, "pids.max"), str(max_processes))

    def join(self) -> None:
        """Move the calling process in: called in the child between fork and exec, as root."""
        for path in self.procs_files:
            fd = os.open(path, os.O_WRONLY)
            try:
                os.write(fd, b"0")
            finally:
                os.close(fd)

    def out_of_memory(self) -> bool:
        """Whether the kernel killed a process of the sandbox for going over the memory cap."""
        events = "memory.events" if self.version == 2 else "memory.oom_control"
        fields = _fields(_read(os.path.join(self.folders[0], events)))
        return fields.get("oom_kill", 0) > 0

    def memory_peak_bytes(self) -> int | None:
        """The most memory the sandbox held at once (None: the kernel does not say)."""
        name = "memory.peak" if self.version == 2 else "memory.max_usage_in_bytes"
        text = _read(os.path.join(self.folders[0], name)).strip()
        return int(text) if text.isdigit() else None

    def remove(self) -> None:
        """Kill whatever is still inside (the pid namespace's end normally took it all), then
        remove the folders; a cgroup with a process left can't be removed."""
        give_up_at = time.monotonic() + REMOVE_WAIT_SECONDS
        for folder in reversed(self.folders):
            while True:
                _kill_all(_pids_in(folder))
                try:
                    os.rmdir(folder)
                    break
                except FileNotFoundError:
                    break
                except OSError as error:
                    if time.monotonic() >= give_up_at:
                        logger.error("could not remove the sandbox cgroup %s: %s", folder, error)
                        break
                    time.sleep(0.005)


def _pids_in(folder: str) -> list[int]:
    text = _read(os.path.join(folder, "cgroup.procs"))
    return [int(pid) for pid in text.split() if pid.isdigit()]


def _kill_all(pids: Iterable[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _fields(text: str) -> dict[str, int]:
    fields = {}
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if value.strip().isdigit():
            fields[key] = int(value)
    return fields


def _read(path: str) -> str:
    try:
        with open(path) as file:
            return file.read()
    except OSError:
        return ""


def _write(path: str, value: str) -> None:
    with open(path, "w") as file:
        file.write(value)


def _write_if_there(path: str, value: str) -> None:
    if os.path.exists(path):
        _write(path, value)
