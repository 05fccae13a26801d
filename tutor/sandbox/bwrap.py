"""The bubblewrap command line: what the sandbox sees of the host, and what it can't reach."""

import functools
import logging
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

from tutor.sandbox.errors import SandboxUnavailable
from tutor.sandbox.languages.base import Layout, PlacedFile, SandboxCommand

logger = logging.getLogger(__name__)

# Paths inside the sandbox: its /tmp is a private, size-capped tmpfs, not the host's.
SANDBOX_LAYOUT = Layout(
    work_dir="/tmp/work",  # noqa: S108
    tool_dir="/opt/labtutor",
    tests_dir="/opt/tests",
)
# Without these options the sandbox would miss a limit or an isolation we rely on.
REQUIRED_OPTIONS = (
    "--unshare-all",
    "--die-with-parent",
    "--new-session",
    "--as-pid-1",
    "--info-fd",
    "--clearenv",
    "--size",
    "--perms",
    "--remount-ro",
)
INSTALL_HINT = "install bubblewrap 0.8 or later (Debian/Ubuntu: apt-get install bubblewrap)"
# On merged-/usr systems these are symlinks into /usr; elsewhere real directories.
SYSTEM_DIRS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


@dataclass(frozen=True)
class BwrapFeatures:
    # bubblewrap 0.8+: the sandbox can't create user namespaces of its own.
    disable_userns: bool


@functools.cache
def bwrap_features(bwrap_path: str) -> BwrapFeatures:
    try:
        completed = subprocess.run(
            [bwrap_path, "--help"], capture_output=True, text=True, timeout=10, check=False
        )
    except FileNotFoundError:
        raise SandboxUnavailable(
            f"bubblewrap is not installed ({bwrap_path}): {INSTALL_HINT}"
        ) from None
    usage = completed.stdout + completed.stderr
    missing = [option for option in REQUIRED_OPTIONS if option not in usage]
    if missing:
        raise SandboxUnavailable(
            f"{bwrap_path} is too old (no {', '.join(missing)}): {INSTALL_HINT}"
        )
    features = BwrapFeatures(disable_userns="--disable-userns" in usage)
    if not features.disable_userns:
        logger.warning("%s lacks --disable-userns: sandboxed code may nest namespaces", bwrap_path)
    return features


def bwrap_argv(
    bwrap_path: str,
    command: SandboxCommand,
    env: dict[str, str],
    file_fds: Sequence[tuple[int, PlacedFile]],
    info_fd: int,
    tmp_size_bytes: int,
    shared_tmp: str | None = None,
) -> list[str]:
    """The full bwrap command line; file_fds are descriptors bwrap copies each file from.

    shared_tmp: a host directory to use as /tmp, shared with the run's other sandbox (files a
    test writes for the student's code to read); None: a private tmpfs of tmp_size_bytes.
    """
    features = bwrap_features(bwrap_path)
    layout = SANDBOX_LAYOUT
    argv = [bwrap_path, "--unshare-all", "--unshare-user"]
    if features.disable_userns:
        argv.append("--disable-userns")
    argv += [
        "--die-with-parent",
        "--new-session",  # no TIOCSTI into the server's terminal
        "--hostname",
        "sandbox",
        # The program is the namespace's first process: when it ends, the kernel kills whatever
        # it left behind, and no reaper process lingers as a zombie of the slot's uid.
        "--as-pid-1",
        "--info-fd",
        str(info_fd),
        "--clearenv",
    ]
    for name, value in env.items():
        argv += ["--setenv", name, value]
    argv += ["--ro-bind", "/usr", "/usr", *_system_dir_args()]
    for path in command.host_paths:
        argv += ["--ro-bind", path, path]
    argv += ["--proc", "/proc", "--dev", "/dev"]
    if shared_tmp is None:
        argv += ["--size", str(tmp_size_bytes), "--tmpfs", "/tmp"]  # noqa: S108
    else:
        argv += ["--bind", shared_tmp, "/tmp"]  # noqa: S108
    for source, target in command.read_only_binds:
        argv += ["--ro-bind", source, target]
    argv += ["--dir", layout.work_dir, "--dir", layout.tool_dir]
    if layout.tests_dir is not None:
        argv += ["--dir", layout.tests_dir]
    for fd, placed in file_fds:
        argv += ["--perms", f"{placed.mode:04o}", "--file", str(fd), placed.path]
    # bwrap's root and /dev are tmpfs without a size cap: only /tmp stays writable.
    argv += ["--remount-ro", "/dev", "--remount-ro", "/"]
    argv += ["--chdir", layout.work_dir, "--", *command.argv]
    return argv


@functools.cache
def _system_dir_args() -> tuple[str, ...]:
    args: list[str] = []
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    return tuple(args)


def explain_start_failure(stderr: str) -> str:
    """A hint for the operator when bwrap itself failed to set the sandbox up."""
    if "namespace" in stderr or "uid map" in stderr or "Operation not permitted" in stderr:
        return (
            f"bubblewrap cannot create its namespaces ({stderr.strip()}): allow unprivileged "
            "user namespaces (sysctl kernel.unprivileged_userns_clone=1, "
            "user.max_user_namespaces > 0; on Ubuntu 24.04+ an AppArmor profile for bwrap)"
        )
    return f"bubblewrap failed to start the sandbox: {stderr.strip()}"
