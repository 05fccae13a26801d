"""Server-side settings of the sandbox, read from the environment by default."""

import os
from dataclasses import dataclass

# slots.py refuses it unless it is ours and private, so another user cannot plant it.
DEFAULT_LOCK_DIR = "/tmp/labtutor-sandbox"  # noqa: S108
DEFAULT_SHARED_DIR = "/tmp/labtutor-sandbox-runs"  # noqa: S108


@dataclass(frozen=True)
class SandboxConfig:
    # Runs at once on this machine (one per core is plenty); with a root server each slot is
    # its own uid. Same variable and default as the Django setting SANDBOX_SLOTS.
    slots: int = 2
    # Holds one lock file per slot, shared by every worker process of this server.
    lock_dir: str = DEFAULT_LOCK_DIR
    # Holds each run's /tmp, shared by its two sandboxes (see shared_tmp.py).
    shared_dir: str = DEFAULT_SHARED_DIR
    # Slot i runs the student's code as uid/gid first_uid + i and the tests as
    # first_uid + tests_uid_offset + i (only when the server runs as root).
    first_uid: int = 61000
    tests_uid_offset: int = 1000
    # How long run_tests waits for a free slot before it gives up with SandboxBusy.
    slot_wait_seconds: float = 120.0
    bwrap_path: str = "/usr/bin/bwrap"
    # Without bubblewrap: rlimits and timeouts only. For development machines, never a server.
    unsafe: bool = False
    # A folder of the cgroup hierarchy to make each sandbox's cgroup in (a delegated one, for a
    # server that is not root); "": labtutor-sandbox under the server's own cgroup.
    cgroup_parent: str = ""

    def __post_init__(self) -> None:
        if self.slots < 1:
            raise ValueError("SandboxConfig.slots must be at least 1")
        if not self.slots <= self.tests_uid_offset < 2**20:
            raise ValueError("SandboxConfig.tests_uid_offset must be at least the slot count")
        if not 0 < self.first_uid < 2**31 - self.slots - self.tests_uid_offset:
            raise ValueError("SandboxConfig.first_uid is out of range")

    @classmethod
    def from_env(cls) -> "SandboxConfig":
        """LABTUTOR_SANDBOX_SLOTS, _LOCK_DIR, _SHARED_DIR, _FIRST_UID, _BWRAP, _CGROUP and
        _UNSAFE=1 override defaults."""
        env = os.environ
        return cls(
            slots=int(env.get("LABTUTOR_SANDBOX_SLOTS", cls.slots)),
            lock_dir=env.get("LABTUTOR_SANDBOX_LOCK_DIR", cls.lock_dir),
            shared_dir=env.get("LABTUTOR_SANDBOX_SHARED_DIR", cls.shared_dir),
            first_uid=int(env.get("LABTUTOR_SANDBOX_FIRST_UID", cls.first_uid)),
            bwrap_path=env.get("LABTUTOR_SANDBOX_BWRAP", cls.bwrap_path),
            unsafe=env.get("LABTUTOR_SANDBOX_UNSAFE", "").strip().lower() in {"1", "true", "yes"},
            cgroup_parent=env.get("LABTUTOR_SANDBOX_CGROUP", cls.cgroup_parent),
        )
