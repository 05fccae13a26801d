"""Finding the server's cgroups (tutor/sandbox/cgroups.py) from what /proc says, and what a
machine without usable cgroups gets: rlimits only, and one warning in the log."""

import logging
from pathlib import Path

import pytest

from tutor.sandbox import cgroups

V1_AND_EMPTY_V2 = """\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
"""
NO_CGROUPS = "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"


@pytest.fixture
def proc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(cgroups, "MOUNTINFO", str(tmp_path / "mountinfo"))
    monkeypatch.setattr(cgroups, "OWN_CGROUPS", str(tmp_path / "cgroup"))
    (tmp_path / "cgroup").write_text("4:memory:/session\n8:pids:/\n0::/\n")
    return tmp_path


def test_mounts_are_read_by_controller(proc: Path) -> None:
    (proc / "mountinfo").write_text(V1_AND_EMPTY_V2)
    mounts = cgroups._cgroup_mounts()
    assert mounts["memory"] == "/sys/fs/cgroup/memory"
    assert mounts["pids"] == "/sys/fs/cgroup/pids"
    assert mounts["cgroup2"] == "/sys/fs/cgroup/unified"
    assert cgroups._own_cgroups() == {"memory": "/session", "pids": "/", "": "/"}


def test_without_cgroups_the_sandbox_says_so_once_in_the_log(
    proc: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (proc / "mountinfo").write_text(NO_CGROUPS)
    cgroups._cgroup_support.cache_clear()
    cgroups._warn_once.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="tutor.sandbox.cgroups"):
            first = cgroups.cgroup_support()
            second = cgroups.cgroup_support()
    finally:
        cgroups._cgroup_support.cache_clear()
        cgroups._warn_once.cache_clear()
    assert first.host is None and second.host is None
    assert "neither cgroup v2 with memory and pids nor cgroup v1" in first.description
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1
    assert "memory and process limits hold per process and per uid only" in warnings[0]


def support_in_plain_folders(proc: Path) -> cgroups.CgroupSupport:
    """What the lookup finds when the "cgroup mounts" are plain folders under proc/no."""
    (proc / "mountinfo").write_text(V1_AND_EMPTY_V2.replace("/sys/fs/cgroup", str(proc / "no")))
    cgroups._cgroup_support.cache_clear()
    try:
        return cgroups._cgroup_support("")
    finally:
        cgroups._cgroup_support.cache_clear()


def test_folders_that_make_no_cgroups_are_no_cgroup_support(proc: Path) -> None:
    # A folder made in a plain folder is no cgroup.
    support = support_in_plain_folders(proc)
    assert support.host is None
    assert support.description.startswith("cgroup v1:")
    assert "is not in a cgroup file system" in support.description


def test_v2_comes_first_where_it_has_memory_and_pids(proc: Path) -> None:
    # A "unified hierarchy" that says it has both controllers, in a plain folder: v2 is tried
    # first (and fails here, for it makes no cgroups), then v1, which fails the same way.
    unified = proc / "no" / "unified"
    unified.mkdir(parents=True)
    (unified / "cgroup.controllers").write_text("cpu memory pids\n")
    support = support_in_plain_folders(proc)
    assert support.host is None
    v2, v1 = support.description.split("; ")
    assert v2.startswith("cgroup v2:") and "is not in a cgroup file system" in v2
    assert v1.startswith("cgroup v1:")
    # It asked the root of the hierarchy (the server's own v2 cgroup is "/") to hand both
    # controllers to its children.
    assert (unified / "cgroup.subtree_control").read_text() == "+memory +pids"


def test_a_cgroup_refused_at_run_time_refuses_the_run(tmp_path: Path) -> None:
    from tutor.sandbox import Limits, SandboxUnavailable
    from tutor.sandbox.supervisor import Spawn, run_supervised

    gone = cgroups.CgroupHost(1, (str(tmp_path / "gone" / "memory"), str(tmp_path / "gone")))
    spawn = Spawn(
        argv=["/bin/true"],
        stdin=b"",
        pass_fds=[],
        report_fd=None,
        info_fd=None,
        uid=None,
        max_processes=64,
        cgroups=gone,
    )
    with pytest.raises(SandboxUnavailable, match="could not make the sandbox's cgroup"):
        run_supervised(spawn, Limits())
