"""Reading an exercise's files and checking its fields: shared by every format."""

from __future__ import annotations

import ast
import json
import keyword
import re
import sys
import tomllib
from pathlib import Path
from typing import Any, TypeGuard, get_args

from exercises.loader.specs import Difficulty, ExerciseFormatError, TestFileSpec

MAX_FILE_BYTES = 256 * 1024
SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
# A C, Java or JavaScript file stem (and Java class name): letters, digits and underscores.
PROGRAM_MODULE_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_DIFFICULTIES: dict[str, Difficulty] = {name: name for name in get_args(Difficulty)}


def check_slug(folder: Path) -> str:
    slug = folder.resolve().name
    if not SLUG_PATTERN.fullmatch(slug):
        raise ExerciseFormatError(
            folder,
            f"folder name '{slug}' is not a valid slug: use lowercase letters, digits and "
            "hyphens, starting with a letter or digit",
        )
    return slug


def check_module_name(path: Path, module: str, test_filenames: tuple[str, ...]) -> None:
    if not module.isidentifier() or not module.isascii() or keyword.iskeyword(module):
        raise ExerciseFormatError(
            path,
            f"module name '{module}' is not a valid Python module name: use letters, digits "
            "and underscores, not starting with a digit",
        )
    if module in sys.stdlib_module_names:
        raise ExerciseFormatError(
            path,
            f"module name '{module}' would shadow Python's standard library module "
            f"'{module}'; choose another name",
        )
    for filename in test_filenames:
        if f"{module}.py" == filename:
            raise ExerciseFormatError(
                path, f"module name '{module}' clashes with the test file '{filename}'"
            )


def read_python(folder: Path, relative: str) -> str:
    source = read_required_text(folder, relative)
    check_python_syntax(folder / relative, source)
    return source


def read_test_file(folder: Path, relative: str) -> TestFileSpec:
    source = read_python(folder, relative)
    path = folder / relative
    if not defines_tests(ast.parse(source, filename=str(path))):
        raise ExerciseFormatError(
            path,
            "defines no tests: add top-level test_* functions or test_* methods in a test class",
        )
    return TestFileSpec(filename=Path(relative).name, code=source)


def check_python_syntax(path: Path, source: str) -> None:
    try:
        # compile(), not just ast.parse(): some errors ("'return' outside function") are only
        # found by the compiler.
        compile(source, str(path), "exec", dont_inherit=True)
    except SyntaxError as error:
        where = f" on line {error.lineno}" if error.lineno else ""
        raise ExerciseFormatError(path, f"has a Python syntax error{where}: {error.msg}") from None


def defines_tests(tree: ast.Module) -> bool:
    """True when a test runner would find a test: a top-level or class-level `test_*` function."""
    candidates: list[ast.stmt] = list(tree.body)
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            candidates.extend(node.body)
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
        for node in candidates
    )


# --- Reading files -----------------------------------------------------------------------------


def read_required_text(folder: Path, relative: str) -> str:
    path = folder / relative
    if not path.exists():
        raise ExerciseFormatError(folder, f"is missing the required file {relative}")
    return read_text(path)


def read_optional_text(folder: Path, relative: str) -> str:
    path = folder / relative
    return read_text(path) if path.exists() else ""


def read_text(path: Path) -> str:
    """A UTF-8 text file of sane size; every way this can fail becomes an ExerciseFormatError."""
    if not path.is_file():
        raise ExerciseFormatError(path, "is not a regular file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ExerciseFormatError(
                path,
                f"is too large ({size // 1024} KiB); the limit is {MAX_FILE_BYTES // 1024} KiB "
                "per file",
            )
        data = path.read_bytes()
    except OSError as error:
        raise ExerciseFormatError(path, f"could not be read: {error.strerror}") from None
    try:
        # utf-8-sig drops the byte-order mark some Windows editors write, which would otherwise
        # break TOML and Python parsing.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ExerciseFormatError(
            path, f"is not UTF-8 text (invalid byte on line {line}); save it as UTF-8"
        ) from None


def read_json(path: Path) -> object:
    """A JSON file's value; invalid JSON is an ExerciseFormatError naming the line."""
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as error:
        raise ExerciseFormatError(
            path, f"is not valid JSON: {error.msg} (at line {error.lineno})"
        ) from None


def describe(value: object) -> str:
    """How a wrongly typed TOML/JSON value is named in an error message."""
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return f"{type(value).__name__} {value!r}"


def check_program_module_name(path: Path, module: str) -> None:
    if not PROGRAM_MODULE_PATTERN.fullmatch(module):
        raise ExerciseFormatError(
            path,
            f"module name '{module}' is not a valid file stem (Java: class name): use letters, "
            "digits and underscores, not starting with a digit",
        )


def read_file_list(toml_path: Path, metadata: dict[str, Any], key: str) -> list[str]:
    names = metadata.get(key, [])
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ExerciseFormatError(toml_path, f"key '{key}' must be a list of file names")
    for name in names:
        if Path(name).name != name or name.startswith("."):
            raise ExerciseFormatError(
                toml_path, f"'{key}' names '{name}': give a file name in the exercise folder"
            )
    if len(set(names)) != len(names):
        raise ExerciseFormatError(toml_path, f"'{key}' names a file twice")
    return names


def read_support_file(folder: Path, relative: str) -> TestFileSpec:
    """A helper module the tests import; it runs beside them, never in the student's sandbox."""
    if not relative.endswith(".py"):
        raise ExerciseFormatError(folder / relative, "a support file must be a Python module")
    return TestFileSpec(filename=Path(relative).name, code=read_python(folder, relative))


def read_data_file(folder: Path, relative: str) -> TestFileSpec:
    """A text file the student's program reads from its working directory."""
    return TestFileSpec(filename=Path(relative).name, code=read_required_text(folder, relative))


def read_statement(folder: Path, relative: str) -> str:
    statement = read_required_text(folder, relative)
    if not statement.strip():
        raise ExerciseFormatError(folder / relative, "is empty")
    return statement


def parse_toml(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as error:
        # tomllib's message already says "(at line N, column M)".
        raise ExerciseFormatError(path, f"is not valid TOML: {error}") from None


def check_keys(
    path: Path,
    table: dict[str, object],
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    table_name: str = "",
) -> None:
    where = f" in [{table_name}]" if table_name else ""
    for key in required:
        if key not in table:
            raise ExerciseFormatError(path, f"is missing the key '{key}'{where}")
    allowed = required + optional
    for key in table:
        if key not in allowed:
            raise ExerciseFormatError(
                path,
                f"has an unknown key '{key}'{where} (allowed keys: {', '.join(allowed)})",
            )


def require_str(path: Path, table: dict[str, object], key: str) -> str:
    value = table[key]
    if not isinstance(value, str):
        raise ExerciseFormatError(path, f"key '{key}' must be a string, not {describe(value)}")
    return value


def require_nonblank_str(path: Path, table: dict[str, object], key: str) -> str:
    value = require_str(path, table, key)
    if not value.strip():
        raise ExerciseFormatError(path, f"key '{key}' must not be empty")
    return value


def require_int(path: Path, table: dict[str, object], key: str) -> int:
    value = table[key]
    if not is_whole_number(value):
        raise ExerciseFormatError(
            path, f"key '{key}' must be a whole number, not {describe(value)}"
        )
    return value


def is_whole_number(value: object) -> TypeGuard[int]:
    # bool is a subclass of int, but `order = true` is a typo, not a number.
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> TypeGuard[int | float]:
    return is_whole_number(value) or isinstance(value, float)


def read_difficulty(path: Path, metadata: dict[str, object]) -> Difficulty:
    value = require_str(path, metadata, "difficulty")
    difficulty = _DIFFICULTIES.get(value)
    if difficulty is None:
        raise ExerciseFormatError(
            path, f"key 'difficulty' must be one of {', '.join(_DIFFICULTIES)}, not '{value}'"
        )
    return difficulty


def check_in_range(path: Path, key: str, value: float, bounds: tuple[int, int]) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise ExerciseFormatError(
            path, f"key '{key}' must be between {low} and {high}, not {value}"
        )
