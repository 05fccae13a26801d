"""LabTutor's own exercise format: a folder holding `exercise.toml` (docs/exercise-format.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from exercises.loader.files import (
    check_in_range,
    check_keys,
    check_module_name,
    check_program_module_name,
    check_slug,
    describe,
    is_number,
    is_whole_number,
    parse_toml,
    read_data_file,
    read_difficulty,
    read_file_list,
    read_python,
    read_required_text,
    read_statement,
    read_support_file,
    read_test_file,
    require_int,
    require_nonblank_str,
    require_str,
)
from exercises.loader.specs import CodeParts, ExerciseFormatError, ExerciseSpec, TestFileSpec
from tutor.languages import LANGUAGES, get_language
from tutor.sandbox.io_cases import parse_cases
from tutor.sandbox.models import SourceFile

NATIVE_MARKER = "exercise.toml"
TIME_LIMIT_RANGE_SECONDS = (1, 60)
MEMORY_LIMIT_RANGE_MB = (32, 2048)
DEFAULT_TIME_LIMIT_SECONDS = 5.0
DEFAULT_MEMORY_LIMIT_MB = 256
HINT_COUNT_RANGE = (2, 3)
# Curriculum orders stay below this so that imported Exercism exercises always sort after them.
EXERCISM_ORDER_BASE = 10_000
NATIVE_VISIBLE_TESTS = "test_visible.py"
NATIVE_HIDDEN_TESTS = "test_hidden.py"
REQUIRED_NATIVE_KEYS = ("title", "topic", "difficulty", "order", "module", "hints")
OPTIONAL_NATIVE_KEYS = (
    "limits",
    "support_files",
    "data_files",
    "in_process",
    "language",
    "hidden_test_hints",
)
# Input/output cases (tutor/sandbox/io_cases.py): the tests of every non-Python exercise, and
# of a Python one that has them instead of test_visible.py.
NATIVE_VISIBLE_CASES = "test_visible.toml"
NATIVE_HIDDEN_CASES = "test_hidden.toml"
LIMIT_KEYS = ("time_seconds", "memory_mb")


def load_native_exercise(folder: Path) -> ExerciseSpec:
    slug = check_slug(folder)
    toml_path = folder / NATIVE_MARKER
    metadata = parse_toml(toml_path)
    check_keys(toml_path, metadata, REQUIRED_NATIVE_KEYS, OPTIONAL_NATIVE_KEYS)
    # All of exercise.toml is checked before the other files are read, so its problems come first.
    title = require_nonblank_str(toml_path, metadata, "title")
    topic = require_nonblank_str(toml_path, metadata, "topic")
    difficulty = read_difficulty(toml_path, metadata)
    order = read_curriculum_order(toml_path, metadata)
    module = require_str(toml_path, metadata, "module")
    language = read_language(toml_path, metadata)
    if language == "python":
        check_module_name(toml_path, module, (NATIVE_VISIBLE_TESTS, NATIVE_HIDDEN_TESTS))
    else:
        check_program_module_name(toml_path, module)
    hints = read_native_hints(toml_path, metadata)
    time_limit, memory_limit = read_limits(toml_path, metadata.get("limits", {}))
    support_names = read_file_list(toml_path, metadata, "support_files")
    data_names = read_file_list(toml_path, metadata, "data_files")
    in_process = metadata.get("in_process", False)
    if not isinstance(in_process, bool):
        raise ExerciseFormatError(toml_path, "key 'in_process' must be true or false")
    hidden_test_hints = metadata.get("hidden_test_hints", True)
    if not isinstance(hidden_test_hints, bool):
        raise ExerciseFormatError(toml_path, "key 'hidden_test_hints' must be true or false")
    if language != "python" or (folder / NATIVE_VISIBLE_CASES).exists():
        code = native_case_parts(folder, module, language, in_process=in_process)
    else:
        code = native_python_parts(folder, support_names, in_process=in_process)
    code["data_files"] = tuple(read_data_file(folder, name) for name in data_names)
    return ExerciseSpec(
        slug=slug,
        title=title,
        topic=topic,
        difficulty=difficulty,
        order=order,
        module=module,
        statement_md=read_statement(folder, "statement.md"),
        hints=hints,
        time_limit_seconds=time_limit,
        memory_limit_mb=memory_limit,
        source_format="labtutor",
        source_path=str(folder.resolve()),
        hidden_test_hints=hidden_test_hints,
        **code,
    )


def native_python_parts(folder: Path, support_names: list[str], *, in_process: bool) -> CodeParts:
    return CodeParts(
        starter_code=read_python(folder, "starter.py"),
        solution_code=read_python(folder, "solution.py"),
        visible_tests=(read_test_file(folder, NATIVE_VISIBLE_TESTS),),
        hidden_tests=(read_test_file(folder, NATIVE_HIDDEN_TESTS),),
        support_files=tuple(read_support_file(folder, name) for name in support_names),
        in_process=in_process,
    )


def native_case_parts(folder: Path, module: str, language: str, *, in_process: bool) -> CodeParts:
    """Hidden tests are input/output cases compared on the host. JavaScript and Java may have
    native unit tests as their visible ones (node:test in <module>.test.js, JUnit 5 in
    <module>Test.java): they run in the student's process, so they can be forged (in_process)."""
    descriptor = get_language(language)
    suffix = descriptor.suffix
    read_code = read_python if language == "python" else read_required_text
    native_tests = (descriptor.native_test_file or "").format(module=module)
    native_visible = bool(native_tests) and (folder / native_tests).is_file()
    visible = (
        (TestFileSpec(native_tests, read_required_text(folder, native_tests)),)
        if native_visible
        else (read_io_cases(folder, NATIVE_VISIBLE_CASES),)
    )
    return CodeParts(
        starter_code=read_code(folder, f"starter{suffix}"),
        solution_code=read_code(folder, f"solution{suffix}"),
        visible_tests=visible,
        hidden_tests=(read_io_cases(folder, NATIVE_HIDDEN_CASES),),
        in_process=in_process or native_visible,
        language=language,
    )


def read_language(toml_path: Path, metadata: dict[str, Any]) -> str:
    language = metadata.get("language", "python")
    if language not in LANGUAGES:
        raise ExerciseFormatError(
            toml_path,
            f"key 'language' must be one of {', '.join(LANGUAGES)}, not {language!r}",
        )
    return str(language)


def read_io_cases(folder: Path, relative: str) -> TestFileSpec:
    """Input/output cases, checked the way the grader will read them."""
    text = read_required_text(folder, relative)
    try:
        parse_cases(SourceFile(relative, text))
    except ValueError as error:
        raise ExerciseFormatError(folder / relative, str(error)) from None
    return TestFileSpec(filename=Path(relative).name, code=text)


def read_curriculum_order(path: Path, metadata: dict[str, object]) -> int:
    order = require_int(path, metadata, "order")
    check_in_range(path, "order", order, (0, EXERCISM_ORDER_BASE - 1))
    return order


def read_native_hints(path: Path, metadata: dict[str, object]) -> tuple[str, ...]:
    hints = metadata["hints"]
    low, high = HINT_COUNT_RANGE
    if not isinstance(hints, list) or not low <= len(hints) <= high:
        raise ExerciseFormatError(
            path, f"key 'hints' must be a list of {low} or {high} hints, not {describe(hints)}"
        )
    for number, hint in enumerate(hints, start=1):
        if not isinstance(hint, str) or not hint.strip():
            raise ExerciseFormatError(
                path, f"hint {number} must be a non-empty string, not {describe(hint)}"
            )
    return tuple(hint.strip() for hint in hints)


def read_limits(path: Path, limits: object) -> tuple[float, int]:
    if not isinstance(limits, dict):
        raise ExerciseFormatError(path, f"'limits' must be a table, not {describe(limits)}")
    check_keys(path, limits, required=(), optional=LIMIT_KEYS, table_name="limits")

    time_limit = limits.get("time_seconds", DEFAULT_TIME_LIMIT_SECONDS)
    if not is_number(time_limit):
        raise ExerciseFormatError(
            path, f"key 'time_seconds' must be a number, not {describe(time_limit)}"
        )
    check_in_range(path, "time_seconds", time_limit, TIME_LIMIT_RANGE_SECONDS)

    memory_limit = limits.get("memory_mb", DEFAULT_MEMORY_LIMIT_MB)
    if not is_whole_number(memory_limit):
        raise ExerciseFormatError(
            path, f"key 'memory_mb' must be a whole number, not {describe(memory_limit)}"
        )
    check_in_range(path, "memory_mb", memory_limit, MEMORY_LIMIT_RANGE_MB)
    return float(time_limit), memory_limit
