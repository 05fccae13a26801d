"""The values that go in and out of the sandbox: plain, frozen, JSON-friendly dataclasses."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from tutor.sandbox.evidence import TestEvidence

Outcome = Literal["passed", "failed", "error", "skipped"]
RunStatus = Literal[
    "completed",
    "timeout",
    "memory_limit",
    "output_limit",
    "crashed",
    "syntax_error",
    "import_error",
    # A compiled language's compiler (or JavaScript's syntax check) refused the student's code.
    "compile_error",
]


def verdict_passes(status: str, outcomes: Sequence[str]) -> bool:
    """A run passes when it completed and every test passed, except those its author skipped,
    and at least one test passed: skipping is not passing. (For Python, judge() turns a skip
    that no decorator wrote into an error: see verdict.py.)"""
    return (
        status == "completed"
        and "passed" in outcomes
        and all(outcome in ("passed", "skipped") for outcome in outcomes)
    )


@dataclass(frozen=True)
class SourceFile:
    """One file placed in the sandbox's working directory: a student's module or a test file."""

    name: str
    content: str


@dataclass(frozen=True)
class Limits:
    """What one run may use. The time limit covers the whole run, all tests together."""

    time_seconds: float = 5.0
    memory_mb: int = 256
    # stdout and stderr outside tests, each; more than this stops the run ("output_limit").
    output_kb: int = 64
    # stdout and stderr captured per test, each; the rest is cut, the run goes on.
    test_output_kb: int = 8
    file_size_mb: int = 8
    tmp_size_mb: int = 16
    open_files: int = 64
    # Processes of the sandbox's uid at once, the sandbox's own two (bwrap, Python) included.
    processes: int = 16

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if value <= 0:
                raise ValueError(f"Limits.{name} must be positive, got {value!r}")
        if self.processes < 4:
            raise ValueError("Limits.processes must be at least 4: the sandbox itself needs two")


@dataclass(frozen=True)
class TestResult:
    """The verdict of one test. `line` is the deepest line in the student's file, for the editor."""

    __test__ = False  # not a pytest test class, despite the name

    file: str
    name: str
    outcome: Outcome
    message: str = ""
    expected: str | None = None
    actual: str | None = None
    stdout: str = ""
    stderr: str = ""
    traceback: str = ""
    line: int | None = None
    duration_ms: float = 0.0
    # What the student's code did in this test (a Run with evidence on): untrusted, for hints
    # and the step-through view only, never for the verdict.
    evidence: TestEvidence | None = None


@dataclass(frozen=True)
class RunResult:
    """The whole run: a status, every test in the order written, and a summary for the student."""

    status: RunStatus
    tests: list[TestResult]
    message: str
    stdout: str = ""
    stderr: str = ""
    duration_ms: float = 0.0
    exit_code: int | None = None
    # The most memory one sandbox of the run held at once, as the host's cgroup counted it
    # (tmpfs and memfd pages included); None without cgroups.
    memory_peak_bytes: int | None = None

    @property
    def passed(self) -> bool:
        """See verdict_passes."""
        return verdict_passes(self.status, [test.outcome for test in self.tests])

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["passed"] = self.passed
        return data
