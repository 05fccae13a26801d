"""Slots: at most `slots` runs at once per machine, each slot's uid used by one run at a time.

A slot is an flock on a file in the lock directory, so every worker process of the server (Celery
prefork children included) shares the same slots, and a worker that dies frees its slot with it.
"""

import fcntl
import os
import pwd
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tutor.sandbox.config import SandboxConfig
from tutor.sandbox.errors import SandboxBusy, SandboxError

RETRY_SECONDS = 0.01


@dataclass(frozen=True)
class Slot:
    index: int
    # The uid/gid the student's code runs as; None when the server is not root and runs it as
    # itself.
    uid: int | None
    # The uid/gid the tests run as: one the student's code is not. None as for uid.
    tests_uid: int | None = None

    @property
    def has_own_uid(self) -> bool:
        return self.uid is not None


@contextmanager
def acquire_slot(config: SandboxConfig) -> Iterator[Slot]:
    """Hold a free slot for the duration of the block, waiting up to config.slot_wait_seconds."""
    lock_fd, index = _lock_free_slot(config)
    try:
        root = os.geteuid() == 0
        uid = config.first_uid + index if root else None
        tests_uid = config.first_uid + config.tests_uid_offset + index if root else None
        for own_uid in (uid, tests_uid):
            if own_uid is not None:
                _refuse_uid_of_a_user(own_uid)
        yield Slot(index=index, uid=uid, tests_uid=tests_uid)
    finally:
        os.close(lock_fd)


def _lock_free_slot(config: SandboxConfig) -> tuple[int, int]:
    _ensure_private_dir(config.lock_dir)
    give_up_at = time.monotonic() + config.slot_wait_seconds
    # Start at a different slot in each process so that workers don't all queue on slot 0.
    first = os.getpid() % config.slots
    while True:
        for offset in range(config.slots):
            index = (first + offset) % config.slots
            fd = _open_lock_file(os.path.join(config.lock_dir, f"slot-{index}.lock"))
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return fd, index
        if time.monotonic() >= give_up_at:
            raise SandboxBusy(
                f"all {config.slots} sandbox slots stayed busy for {config.slot_wait_seconds:g} s"
            )
        time.sleep(RETRY_SECONDS)


def _ensure_private_dir(path: str) -> None:
    # Another local user must not be able to plant or hold our lock files.
    os.makedirs(path, mode=0o700, exist_ok=True)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        raise SandboxError(f"{path} must be a directory owned by uid {os.geteuid()}")
    if info.st_mode & 0o022:
        raise SandboxError(f"{path} must not be writable by group or others")


def _refuse_uid_of_a_user(uid: int) -> None:
    # After each run every process of the slot's uid is killed: it must belong to nobody else.
    try:
        user = pwd.getpwuid(uid)
    except KeyError:
        return
    raise SandboxError(
        f"uid {uid} belongs to user {user.pw_name!r}; point LABTUTOR_SANDBOX_FIRST_UID at "
        "a range of uids that no account uses"
    )


def _open_lock_file(path: str) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
