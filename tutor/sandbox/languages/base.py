"""What a language plug-in provides, and what the sandbox hands it."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from tutor.sandbox.models import Limits, SourceFile


@dataclass(frozen=True)
class TestId:
    __test__ = False  # not a pytest test class, despite the name

    file: str
    name: str
    # The test's author skips it with a decorator (@unittest.skip, @pytest.mark.skipif, ...):
    # read from the source on the host, so nothing the student's code does can set it.
    author_skip: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Layout:
    """Where things go in the command's file system: the tests' working directory and our tools."""

    work_dir: str
    tool_dir: str
    # Where the tests' own files go, apart from the working directory the student's process
    # shares; None: in the working directory (one process for both).
    tests_dir: str | None = None


@dataclass(frozen=True)
class PlacedFile:
    path: str  # absolute, under the layout's work_dir or tool_dir
    content: bytes
    mode: int = 0o644


@dataclass(frozen=True)
class RunSpec:
    student_files: Sequence[SourceFile]
    test_files: Sequence[SourceFile]
    limits: Limits
    layout: Layout
    # Result lines carry this, so that a student's own prints can't pass for results.
    nonce: str
    # The inherited descriptor the harness writes its JSON result lines to.
    report_fd: int
    # The two ends of the channel between the tests' process and the student's process.
    tests_channel_fd: int | None = None
    student_channel_fd: int | None = None
    # Where the student's process has its files; None: the same layout as the tests'.
    student_layout: Layout | None = None
    # Helper modules for the tests (tests' side only) and data files for the student's program.
    support_files: Sequence[SourceFile] = ()
    data_files: Sequence[SourceFile] = ()
    # Record what the student's code did in each test (untrusted evidence for hints); a
    # language without it ignores this and its results carry no evidence.
    evidence: bool = False
    # The exercise's reference solution: it decides which of the student's classes are the
    # exercise's own (read on the host; never placed in a sandbox).
    reference_files: Sequence[SourceFile] = ()
    # A run of the reference itself records what kind of value each place hands out
    # (record_kinds); a student's run is then held to those kinds (expected_kinds). A language
    # without this ignores both.
    record_kinds: bool = False
    expected_kinds: Mapping[str, Sequence[str]] | None = None


@dataclass(frozen=True)
class SandboxCommand:
    argv: list[str]
    files: list[PlacedFile]
    env: dict[str, str]
    stdin: bytes
    # Host directories the command needs besides /usr, bound read-only at the same path.
    host_paths: list[str]
    # (host directory, sandbox path) pairs bound read-only after /tmp is set up: a compiled
    # program that each test case's fresh sandbox runs.
    read_only_binds: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class RunCommands:
    """A run in two sandboxes: the tests' process (which reports) and the student's process."""

    tests: SandboxCommand
    student: SandboxCommand


class Language(Protocol):
    name: str

    def check_files(
        self,
        student_files: Sequence[SourceFile],
        test_files: Sequence[SourceFile],
        support_files: Sequence[SourceFile] = (),
        data_files: Sequence[SourceFile] = (),
    ) -> None:
        """Raise ValueError for unusable file names: the caller's mistake, not the student's."""

    def discover_tests(self, test_files: Sequence[SourceFile]) -> list[TestId]:
        """The tests in each file in written order, read without running anything."""

    def build_command(self, spec: RunSpec, *, own_uid: bool) -> SandboxCommand:
        """One process for tests and student code together (the in-process mode: forgeable)."""

    def build_commands(self, spec: RunSpec, *, own_uid: bool) -> RunCommands:
        """The tests' process and the student's process; own_uid: they run as other uids."""
