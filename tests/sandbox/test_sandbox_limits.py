"""A Run's memory and process limits hold for the whole sandbox, not per process: a program that
forks children to fill memory (anonymous memory, memfd) is held at the cap, as the host's cgroup
measures it. Before cgroups, one Run of a 256 MB exercise that forked 14 children held 3.2 GB."""

import dataclasses
import os
import sys
from pathlib import Path
from textwrap import dedent, indent

import pytest

from tests import sandbox_uids
from tests.sandbox.conftest import Grade
from tutor.sandbox import Limits, SandboxConfig, SourceFile, run_tests
from tutor.sandbox.cgroups import cgroup_support
from tutor.sandbox.supervisor import MIB, Spawn, run_supervised

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


def forking_fill(child: str) -> str:
    """A student module whose fill() forks CHILDREN children that each run `child` (indented
    for the child's block; `child` numbers them), hold on for 3 s, and exit."""
    body = indent(dedent(child).strip("\n"), " " * 20)
    return f"""
    import os, time

    def fill():
        for child in range({CHILDREN}):
            if os.fork() == 0:
                try:
{body}
                    time.sleep(3)
                finally:
                    os._exit(0)
        time.sleep(1)
        return 1
"""


PYTHON_FORKS = forking_fill(
    f"""
    block = bytearray({CHILD_MB} * 1024 * 1024)
    block[::4096] = b"x" * len(block[::4096])
    """
)
PYTHON_MEMFD = forking_fill(
    f"""
    # memfd pages are no process's address space: RLIMIT_AS never sees them.
    files = []
    for _ in range({CHILD_MB} // 4):
        fd = os.memfd_create("fill")
        os.write(fd, b"x" * (4 * 1024 * 1024 - 1))
        files.append(fd)
    """
)
PYTHON_TMPFS = forking_fill(
    f"""
    # Files in /tmp (a tmpfs) are no process's memory; each is under the file size limit.
    for number in range({CHILD_MB} // 4):
        with open(f"/tmp/fill-{{child}}-{{number}}", "wb") as file:
            file.write(b"x" * (4 * 1024 * 1024 - 1))
    """
)
CALLS_FILL = "from solution import fill\n\ndef test_fill():\n    assert fill() == 1\n"


@pytest.mark.parametrize(
    "student", [PYTHON_FORKS, PYTHON_MEMFD, PYTHON_TMPFS], ids=["anonymous", "memfd", "tmpfs"]
)
def test_python_children_filling_memory_stay_under_the_cap(grade: Grade, student: str) -> None:
    # A /tmp larger than the memory limit: the cgroup is what holds it.
    limits = dataclasses.replace(LIMITS, tmp_size_mb=512)
    result = grade(student, {"test_fill.py": CALLS_FILL}, limits=limits)
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


def test_the_process_cap_holds_where_rlimits_cannot() -> None:
    # RLIMIT_NPROC does nothing for root: a program run as the server's own root user is held
    # by its cgroup's pids.max alone.
    forks = (
        "import os, time\n"
        "children = 0\n"
        "try:\n"
        "    while children < 100:\n"
        "        if os.fork() == 0:\n"
        "            os.close(1), os.close(2)\n"
        "            time.sleep(5)\n"
        "            os._exit(0)\n"
        "        children += 1\n"
        "except OSError as error:\n"
        "    print(children, type(error).__name__)\n"
    )
    spawn = Spawn(
        argv=[sys.executable, "-I", "-c", forks],
        stdin=b"",
        pass_fds=[],
        report_fd=None,
        info_fd=None,
        uid=None,
        max_processes=1000,
        cgroups=cgroup_support().host,
    )
    execution = run_supervised(spawn, dataclasses.replace(LIMITS, processes=6))
    children, error = execution.stdout.decode().split()
    # Six in all: the program itself and five children.
    assert (int(children), error) == (5, "BlockingIOError")
    assert leftover_cgroups() == []
