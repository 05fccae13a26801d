"""A Run's memory and process limits hold for the whole sandbox, not per process: a program that
forks children to fill memory (anonymous memory, memfd) is held at the cap, as the host's cgroup
measures it. Before cgroups, one Run of a 256 MB exercise that forked 14 children held 3.2 GB."""

import os
from pathlib import Path
from textwrap import dedent

import pytest

from tests import sandbox_uids
from tests.sandbox.conftest import Grade
from tutor.sandbox import Limits, SandboxConfig, SourceFile, run_tests
from tutor.sandbox.cgroups import cgroup_support
from tutor.sandbox.supervisor import MIB

LIMITS = Limits(time_seconds=4, memory_mb=128, output_kb=16, tmp_size_mb=8, file_size_mb=4)
CHILDREN = 8
# Each child's share: under the per-process RLIMIT_AS, far over the sandbox's cap all together.
CHILD_MB = 70

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or cgroup_support().host is None,
    reason="cgroups are made by a root server (tutor/sandbox/cgroups.py)",
)


def assert_held_at_the_cap(peak: int | None) -> None:
    assert peak is not None
    # It did fill memory (more than half the cap), and never more than the cap.
    assert LIMITS.memory_mb * MIB // 2 < peak <= LIMITS.memory_mb * MIB


def leftover_cgroups() -> list[str]:
    host = cgroup_support().host
    assert host is not None
    return [
        name
        for parent in host.parents
        for name in os.listdir(parent)
        if name.startswith(f"run-{os.getpid()}-")
    ]


PYTHON_FORKS = f"""
    import os, time

    def fill():
        for _ in range({CHILDREN}):
            if os.fork() == 0:
                try:
                    block = bytearray({CHILD_MB} * 1024 * 1024)
                    block[::4096] = b"x" * len(block[::4096])
                    time.sleep(3)
                finally:
                    os._exit(0)
        time.sleep(1)
        return 1
"""
PYTHON_MEMFD = f"""
    import os, time

    def fill():
        for _ in range({CHILDREN}):
            if os.fork() == 0:
                try:
                    # memfd pages are no process's address space: RLIMIT_AS never sees them.
                    files = []
                    for _ in range({CHILD_MB} // 4):
                        fd = os.memfd_create("fill")
                        os.write(fd, b"x" * (4 * 1024 * 1024 - 1))
                        files.append(fd)
                    time.sleep(3)
                finally:
                    os._exit(0)
        time.sleep(1)
        return 1
"""
CALLS_FILL = "from solution import fill\n\ndef test_fill():\n    assert fill() == 1\n"


@pytest.mark.parametrize("student", [PYTHON_FORKS, PYTHON_MEMFD], ids=["anonymous", "memfd"])
def test_python_children_filling_memory_stay_under_the_cap(grade: Grade, student: str) -> None:
    result = grade(student, {"test_fill.py": CALLS_FILL}, limits=LIMITS)
    assert result.status == "memory_limit", result
    assert not result.passed
    assert result.message.startswith("Your program tried to use more than 128 MB")
    assert_held_at_the_cap(result.memory_peak_bytes)
    assert leftover_cgroups() == []


def test_a_program_within_its_cap_passes_and_reports_its_peak(grade: Grade) -> None:
    student = "def fill():\n    block = bytearray(20 * 1024 * 1024)\n    return 1\n"
    result = grade(student, {"test_fill.py": CALLS_FILL}, limits=LIMITS)
    assert result.passed, result.message
    assert result.memory_peak_bytes is not None
    assert 20 * MIB < result.memory_peak_bytes < LIMITS.memory_mb * MIB


C_FORKS = f"""
    #include <stdio.h>
    #include <stdlib.h>
    #include <unistd.h>
    #include <sys/wait.h>

    int main(void) {{
        for (int i = 0; i < {CHILDREN}; i++) {{
            if (fork() == 0) {{
                // volatile: the compiler may not drop stores to memory nobody reads.
                volatile char *block = malloc({CHILD_MB} * 1024 * 1024);
                for (long at = 0; block != NULL && at < {CHILD_MB} * 1024 * 1024; at += 4096)
                    block[at] = 1;
                sleep(3);
                _exit(0);
            }}
        }}
        while (wait(NULL) > 0) {{}}
        puts("contained");
        return 0;
    }}
"""


@pytest.fixture(scope="module")
def program_config(tmp_path_factory: pytest.TempPathFactory) -> SandboxConfig:
    lock_dir = tmp_path_factory.mktemp("limit-locks")
    os.chmod(lock_dir, 0o700)
    # The hostile programs' uids: those tests never run at the same moment as these.
    return SandboxConfig(slots=1, lock_dir=str(lock_dir), first_uid=sandbox_uids.HOSTILE_PROGRAMS)


@pytest.mark.skipif(not Path("/usr/bin/gcc").exists(), reason="gcc is not installed")
def test_c_children_filling_memory_stay_under_the_cap(program_config: SandboxConfig) -> None:
    result = run_tests(
        "c",
        [SourceFile("solution.c", dedent(C_FORKS))],
        [SourceFile("test_cases.toml", '[[case]]\nname = "fills"\nstdout = "contained"\n')],
        LIMITS,
        unsafe=False,
        config=program_config,
    )
    assert result.status == "memory_limit", result
    assert_held_at_the_cap(result.memory_peak_bytes)
    assert leftover_cgroups() == []
