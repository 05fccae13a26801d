"""What the loader produces: typed exercise specs, and the error a teacher can fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NotRequired, TypedDict

Difficulty = Literal["easy", "medium", "hard"]
SourceFormat = Literal["labtutor", "exercism"]


@dataclass(frozen=True)
class TestFileSpec:
    # Not a test class, despite the name; this keeps pytest from trying to collect it.
    __test__ = False

    filename: str
    code: str


@dataclass(frozen=True)
class ExerciseSpec:
    slug: str
    title: str
    topic: str
    difficulty: Difficulty
    order: int
    module: str
    statement_md: str
    starter_code: str
    solution_code: str
    visible_tests: tuple[TestFileSpec, ...]
    hidden_tests: tuple[TestFileSpec, ...]
    hints: tuple[str, ...]
    time_limit_seconds: float
    memory_limit_mb: int
    source_format: SourceFormat
    source_path: str
    # Helper modules for the tests (the tests' side only) and data files for the student's
    # program (the student's side); see docs/exercise-format.md.
    support_files: tuple[TestFileSpec, ...] = ()
    data_files: tuple[TestFileSpec, ...] = ()
    # Tests and student code in one interpreter: the verdict can be forged.
    in_process: bool = False
    # A name in the registry of languages (tutor/languages).
    language: str = "python"
    # A program failing only hidden tests is told which line a hidden case reaches (no inputs,
    # no values); false: only that hidden tests fail.
    hidden_test_hints: bool = True


class CodeParts(TypedDict):
    """The part of an ExerciseSpec that depends on the language and format: code and tests."""

    starter_code: str
    solution_code: str
    visible_tests: tuple[TestFileSpec, ...]
    hidden_tests: tuple[TestFileSpec, ...]
    support_files: NotRequired[tuple[TestFileSpec, ...]]
    data_files: NotRequired[tuple[TestFileSpec, ...]]
    in_process: NotRequired[bool]
    language: NotRequired[str]


class ExerciseFormatError(Exception):
    """A problem a teacher can fix: `path` is the offending file (or the folder missing one)."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class LoadReport:
    exercises: list[ExerciseSpec]
    errors: list[ExerciseFormatError]
