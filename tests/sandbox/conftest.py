import os
from collections.abc import Callable, Iterator
from pathlib import Path
from textwrap import dedent

import pytest

from tests import sandbox_uids
from tutor.sandbox import Limits, RunResult, SandboxConfig, SourceFile, run_tests
from tutor.sandbox.processes import processes_of_uid

FIRST_UID = sandbox_uids.SANDBOX
# The tests' own process of slot 0 (SandboxConfig.tests_uid_offset).
TESTS_UID = FIRST_UID + 1000
FAST = Limits(time_seconds=1.5, memory_mb=128, output_kb=16, tmp_size_mb=8, file_size_mb=4)

Grade = Callable[..., RunResult]


@pytest.fixture(scope="session")
def sandbox_config(tmp_path_factory: pytest.TempPathFactory) -> SandboxConfig:
    lock_dir = tmp_path_factory.mktemp("sandbox-locks")
    os.chmod(lock_dir, 0o700)
    return SandboxConfig(slots=1, lock_dir=str(lock_dir), first_uid=FIRST_UID)


@pytest.fixture
def grade(sandbox_config: SandboxConfig) -> Grade:
    """grade(student_code, {test_file: code}, limits=FAST): run through the real sandbox;
    reference: the exercise's reference solution, which decides what kinds of value cross."""

    def run(
        student: str,
        tests: dict[str, str],
        *,
        limits: Limits = FAST,
        module: str = "solution",
        evidence: bool = False,
        reference: str | None = None,
        support: dict[str, str] | None = None,
    ) -> RunResult:
        return run_tests(
            language="python",
            student_files=[SourceFile(f"{module}.py", dedent(student))],
            test_files=[SourceFile(name, dedent(code)) for name, code in tests.items()],
            limits=limits,
            unsafe=False,
            config=sandbox_config,
            evidence=evidence,
            reference_files=(
                [SourceFile(f"{module}.py", dedent(reference))] if reference is not None else ()
            ),
            support_files=[
                SourceFile(name, dedent(code)) for name, code in (support or {}).items()
            ],
        )

    return run


def slot_uid_processes() -> list[int]:
    """Pids owned by the test slot's uid, by the Uid line of /proc/PID/status (any uid field)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        uid_line = next(line for line in status.splitlines() if line.startswith("Uid:"))
        if {str(FIRST_UID), str(TESTS_UID)} & set(uid_line.split()[1:]):
            pids.append(int(entry.name))
    return pids


@pytest.fixture
def no_survivors() -> Iterator[None]:
    yield
    if os.geteuid() == 0:
        assert slot_uid_processes() == [], "a process of the sandbox's uid outlived the run"
        assert processes_of_uid(FIRST_UID) == processes_of_uid(TESTS_UID) == []
