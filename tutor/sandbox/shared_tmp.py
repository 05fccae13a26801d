"""The /tmp that a run's two sandboxes share: files a test writes for the student's code to read.

One fresh directory per run, under a base that others can pass through but not list. When the
server is root it is a tmpfs of the run's tmp_size_mb, so a program filling it stops at that
size; otherwise it is a plain directory on the host's /tmp (development machines), capped only
per file by RLIMIT_FSIZE. It is removed after the run.
"""

import contextlib
import ctypes
import ctypes.util
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator

from tutor.sandbox.errors import SandboxError

logger = logging.getLogger(__name__)

MNT_DETACH = 2
MS_NOSUID, MS_NODEV, MS_NOSYMFOLLOW = 2, 4, 256
_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]


@contextlib.contextmanager
def shared_tmp(base: str, size_mb: int) -> Iterator[str]:
    """A fresh directory for one run, mode 1777 (each sandbox keeps its own files), then gone."""
    ensure_private_base(base)
    path = tempfile.mkdtemp(prefix="run-", dir=base)
    mounted = os.geteuid() == 0 and _mount_tmpfs(path, size_mb)
    try:
        os.chmod(path, 0o1777)  # noqa: S103 - both sandboxes' uids write here; sticky
        work = os.path.join(path, "work")
        os.mkdir(work)
        os.chmod(work, 0o1777)  # noqa: S103
        yield path
    finally:
        if mounted and _libc.umount2(path.encode(), MNT_DETACH) != 0:
            logger.error("could not unmount %s: %s", path, os.strerror(ctypes.get_errno()))
        shutil.rmtree(path, ignore_errors=True)


def _mount_tmpfs(path: str, size_mb: int) -> bool:
    options = f"size={size_mb}m,mode=1777".encode()
    # No symlinks followed: the student's code could otherwise plant one where a test writes or
    # reads a file, and lead the tests' process to its own files (Linux 5.10+).
    for flags in (MS_NOSUID | MS_NODEV | MS_NOSYMFOLLOW, MS_NOSUID | MS_NODEV):
        if _libc.mount(b"tmpfs", path.encode(), b"tmpfs", flags, options) == 0:
            return True
    logger.warning(
        "could not mount a tmpfs for the sandbox's shared /tmp (%s): it is not size-capped",
        os.strerror(ctypes.get_errno()),
    )
    return False


def ensure_private_base(path: str) -> None:
    # Others may pass through (the sandboxes' uids must reach their run's folder) but not list
    # it, and must not be able to plant anything in it.
    os.makedirs(path, mode=0o711, exist_ok=True)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        raise SandboxError(f"{path} must be a directory owned by uid {os.geteuid()}")
    if info.st_mode & 0o022:
        raise SandboxError(f"{path} must not be writable by group or others")
    os.chmod(path, 0o711)  # noqa: S103
