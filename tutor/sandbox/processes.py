"""Finding and killing a slot uid's processes through /proc, after the run, as a second line.

The first line is the sandbox's pid namespace: when its first process ends, the kernel kills every
process inside. This sweep catches anything that would outlive it, and proves the slot is empty.
"""

import contextlib
import os
import signal
import time

PROC = "/proc"


def processes_of_uid(uid: int) -> list[int]:
    """Pids of live (not zombie) processes whose /proc entry belongs to uid."""
    pids = []
    with os.scandir(PROC) as entries:
        for entry in entries:
            if not entry.name.isdigit():
                continue
            try:
                if entry.stat(follow_symlinks=False).st_uid == uid and not _is_zombie(entry.path):
                    pids.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                continue
    return pids


def count_processes_of_uid(uid: int) -> int:
    return len(processes_of_uid(uid))


def kill_processes_of_uid(uid: int, timeout_seconds: float = 2.0) -> list[int]:
    """SIGKILL every process of uid until none is left; returns the pids still alive at the end."""
    give_up_at = time.monotonic() + timeout_seconds
    while True:
        pids = processes_of_uid(uid)
        if not pids or time.monotonic() >= give_up_at:
            return pids
        for pid in pids:
            _kill_if_still_owned(pid, uid)
        time.sleep(0.005)


def _kill_if_still_owned(pid: int, uid: int) -> None:
    # A pidfd pins the process, so a pid recycled between our check and the kill is never hit.
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        if os.stat(f"{PROC}/{pid}").st_uid == uid:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    except (FileNotFoundError, ProcessLookupError):
        pass
    finally:
        os.close(pidfd)


def _is_zombie(proc_dir: str) -> bool:
    with contextlib.suppress(OSError), open(f"{proc_dir}/stat", "rb") as stat_file:
        # The state follows the command name, which is in parentheses and may hold anything.
        return stat_file.read().rpartition(b")")[2].split()[0] == b"Z"
    return True
