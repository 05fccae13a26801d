"""Read exercise folders from disk into validated, typed specs.

Two formats are understood (see docs/exercise-format.md): LabTutor's own (a folder holding
`exercise.toml`) and Exercism's track format (a folder holding `.meta/config.json`). This module
only reads and validates; it never touches the database, so `import_exercises` can report every
problem before it writes anything.
"""

from __future__ import annotations

import ast
import json
import keyword
import os
import re
import sys
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, NotRequired, TypedDict, TypeGuard, get_args

from tutor.sandbox.io_cases import parse_cases
from tutor.sandbox.models import SourceFile

Difficulty = Literal["easy", "medium", "hard"]
SourceFormat = Literal["labtutor", "exercism"]

MAX_FILE_BYTES = 256 * 1024
TIME_LIMIT_RANGE_SECONDS = (1, 60)
MEMORY_LIMIT_RANGE_MB = (32, 2048)
DEFAULT_TIME_LIMIT_SECONDS = 5.0
DEFAULT_MEMORY_LIMIT_MB = 256
HINT_COUNT_RANGE = (2, 3)
# Curriculum orders stay below this so that imported Exercism exercises always sort after them.
EXERCISM_ORDER_BASE = 10_000

NATIVE_MARKER = "exercise.toml"
EXERCISM_MARKER = Path(".meta") / "config.json"
# A whole Exercism track: its root config.json lists every exercise with its name, difficulty
# (1-10) and the concepts it practises.
EXERCISM_TRACK_CONFIG = "config.json"
EXERCISM_DEFAULT_TOPIC = "Exercism"
EXERCISM_DEFAULT_DIFFICULTY: Difficulty = "medium"
NATIVE_VISIBLE_TESTS = "test_visible.py"
NATIVE_HIDDEN_TESTS = "test_hidden.py"

SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
REQUIRED_NATIVE_KEYS = ("title", "topic", "difficulty", "order", "module", "hints")
OPTIONAL_NATIVE_KEYS = (
    "limits",
    "support_files",
    "data_files",
    "in_process",
    "language",
    "hidden_test_hints",
)
# The languages an exercise may be written in, and the suffix of the student's file. "c" is
# C11 and "c99" C99 (gcc -std=...); Exercism's C track builds with -std=c99.
LANGUAGE_SUFFIXES = {
    "python": ".py",
    "c": ".c",
    "c99": ".c",
    "java": ".java",
    "javascript": ".js",
}
# Input/output cases (tutor/sandbox/io_cases.py): the tests of every non-Python exercise, and
# of a Python one that has them instead of test_visible.py.
NATIVE_VISIBLE_CASES = "test_visible.toml"
NATIVE_HIDDEN_CASES = "test_hidden.toml"
# Native unit tests a LabTutor exercise may use as its visible tests (forgeable: in_process).
NATIVE_TEST_FILES = {"javascript": "{module}.test.js", "java": "{module}Test.java"}
# A C, Java or JavaScript file stem (and Java class name): letters, digits and underscores.
PROGRAM_MODULE_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
# Exercism C: the tests include the vendored Unity by its folder; the sandbox holds one folder.
UNITY_INCLUDE = re.compile(r'#include\s+"(?:\.\./)?test-framework/(unity[\w]*\.h)"')
UNITY_IGNORE = re.compile(r"^[ \t]*TEST_IGNORE\(\);[ \t]*(?://.*)?$", re.MULTILINE)
LIMIT_KEYS = ("time_seconds", "memory_mb")

_DIFFICULTIES: dict[str, Difficulty] = {name: name for name in get_args(Difficulty)}


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
    # A key of LANGUAGE_SUFFIXES.
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


# --- Public API --------------------------------------------------------------------------------


def load_exercises(root: Path) -> LoadReport:
    """Load every exercise under `root`, collecting the broken ones as errors instead of raising.

    Exercism exercises get orders EXERCISM_ORDER_BASE + their alphabetical index among the
    Exercism exercises found, so they follow the curriculum in a stable order.
    """
    if not root.is_dir():
        return LoadReport([], [ExerciseFormatError(root, "is not a folder")])

    exercises: list[ExerciseSpec] = []
    errors: list[ExerciseFormatError] = []
    folder_by_slug: dict[str, Path] = {}
    folder_by_order: dict[int, Path] = {}
    for folder in find_exercise_folders(root):
        try:
            spec = load_exercise(folder)
            check_unique(spec, folder, folder_by_slug, folder_by_order)
        except ExerciseFormatError as error:
            errors.append(error)
            continue
        exercises.append(spec)

    tracks = ExercismTracks(root)
    exercises = [tracks.described(spec) for spec in exercises]
    errors.extend(tracks.errors)
    exercises = number_exercism_exercises(exercises)
    exercises.sort(key=lambda spec: (spec.order, spec.slug))
    return LoadReport(exercises, errors)


def load_exercise(folder: Path) -> ExerciseSpec:
    """Load one exercise folder of either format; raise ExerciseFormatError on the first problem.

    An Exercism exercise loaded alone gets order EXERCISM_ORDER_BASE: its alphabetical position
    is only known when a whole tree is loaded.
    """
    if (folder / NATIVE_MARKER).is_file():
        return load_native_exercise(folder)
    if (folder / EXERCISM_MARKER).is_file():
        return load_exercism_exercise(folder)
    raise ExerciseFormatError(
        folder, f"is not an exercise folder: it has neither {NATIVE_MARKER} nor {EXERCISM_MARKER}"
    )


# --- Walking the tree --------------------------------------------------------------------------


def find_exercise_folders(root: Path) -> list[Path]:
    """Exercise folders under `root` (itself included), in a stable, sorted order."""
    found: list[Path] = []
    for current, subfolders, _files in os.walk(root):
        folder = Path(current)
        if is_exercise_folder(folder):
            found.append(folder)
            # An exercise's own subfolders (.meta, helpers, ...) never hold further exercises.
            subfolders.clear()
            continue
        # Pruning in place is how os.walk is told not to descend; sorting makes reports stable.
        subfolders[:] = sorted(name for name in subfolders if not is_skipped_folder(name))
    return found


def is_exercise_folder(folder: Path) -> bool:
    return (folder / NATIVE_MARKER).is_file() or (folder / EXERCISM_MARKER).is_file()


def is_skipped_folder(name: str) -> bool:
    return name.startswith(".") or name == "__pycache__"


def check_unique(
    spec: ExerciseSpec,
    folder: Path,
    folder_by_slug: dict[str, Path],
    folder_by_order: dict[int, Path],
) -> None:
    """Reject a slug or curriculum order already taken, then record this exercise's."""
    first = folder_by_slug.get(spec.slug)
    if first is not None:
        raise ExerciseFormatError(
            folder, f"slug '{spec.slug}' is already used by the exercise at {first}"
        )
    if spec.source_format == "labtutor":
        first = folder_by_order.get(spec.order)
        if first is not None:
            raise ExerciseFormatError(
                folder / NATIVE_MARKER,
                f"order {spec.order} is already used by the exercise at {first}",
            )
        folder_by_order[spec.order] = folder
    folder_by_slug[spec.slug] = folder


def number_exercism_exercises(exercises: list[ExerciseSpec]) -> list[ExerciseSpec]:
    exercism_slugs = sorted(spec.slug for spec in exercises if spec.source_format == "exercism")
    index_by_slug = {slug: index for index, slug in enumerate(exercism_slugs)}
    return [
        replace(spec, order=EXERCISM_ORDER_BASE + index_by_slug[spec.slug])
        if spec.source_format == "exercism"
        else spec
        for spec in exercises
    ]


# --- LabTutor's own format ---------------------------------------------------------------------


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
    suffix = LANGUAGE_SUFFIXES[language]
    read_code = read_python if language == "python" else read_required_text
    native_tests = NATIVE_TEST_FILES.get(language, "").format(module=module)
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
    if language not in LANGUAGE_SUFFIXES:
        raise ExerciseFormatError(
            toml_path,
            f"key 'language' must be one of {', '.join(LANGUAGE_SUFFIXES)}, not {language!r}",
        )
    return str(language)


def check_program_module_name(path: Path, module: str) -> None:
    if not PROGRAM_MODULE_PATTERN.fullmatch(module):
        raise ExerciseFormatError(
            path,
            f"module name '{module}' is not a valid file stem (Java: class name): use letters, "
            "digits and underscores, not starting with a digit",
        )


def read_io_cases(folder: Path, relative: str) -> TestFileSpec:
    """Input/output cases, checked the way the grader will read them."""
    text = read_required_text(folder, relative)
    try:
        parse_cases(SourceFile(relative, text))
    except ValueError as error:
        raise ExerciseFormatError(folder / relative, str(error)) from None
    return TestFileSpec(filename=Path(relative).name, code=text)


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


def check_in_range(path: Path, key: str, value: float, bounds: tuple[int, int]) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise ExerciseFormatError(
            path, f"key '{key}' must be between {low} and {high}, not {value}"
        )


# --- Exercism's track format -------------------------------------------------------------------


def load_exercism_exercise(folder: Path) -> ExerciseSpec:
    slug = check_slug(folder)
    config_path = folder / EXERCISM_MARKER
    files = read_exercism_files(config_path)

    stub = files["solution"][0]
    if stub.endswith(".c"):
        return load_exercism_c_exercise(folder, slug, config_path, files)
    if not stub.endswith(".py"):
        raise ExerciseFormatError(
            config_path, f"'files.solution[0]' must be a Python or C file, not '{stub}'"
        )
    module = Path(stub).stem
    test_paths = files["test"]
    test_filenames = tuple(Path(test).name for test in test_paths)
    check_distinct_test_filenames(config_path, test_filenames)
    check_module_name(config_path, module, test_filenames)

    # files.editor: files shown to the student read-only, e.g. the test_utils.py that the tests
    # of error-handling and paasio import. Python ones go to both sides (the tests import them;
    # the student may too); others are data files for the student's program.
    editor = [inside_folder(config_path, folder, path) for path in files.get("editor", [])]
    editor_modules = tuple(
        read_support_file(folder, path) for path in editor if path.endswith(".py")
    )
    editor_data = tuple(read_data_file(folder, path) for path in editor if not path.endswith(".py"))

    # files.test may list helpers beside the tests (paasio's and error-handling's test_utils.py
    # in some versions of the track): a Python file there that defines no tests is a helper
    # module the tests import, on the tests' side only.
    test_files, test_helpers = split_test_helpers(
        folder, [inside_folder(config_path, folder, test) for test in test_paths]
    )
    code = CodeParts(
        starter_code=read_python(folder, inside_folder(config_path, folder, stub)),
        solution_code=read_python(folder, inside_folder(config_path, folder, files["example"][0])),
        visible_tests=tuple(read_test_file(folder, test) for test in test_files),
        hidden_tests=(),
        support_files=editor_modules + tuple(read_support_file(folder, h) for h in test_helpers),
        data_files=editor_modules + editor_data,
    )
    return exercism_spec(folder, slug, module, code)


def split_test_helpers(folder: Path, paths: list[str]) -> tuple[list[str], list[str]]:
    """files.test's paths as (test files, helper modules): a Python file that defines no tests
    is a helper, as long as another file defines some (else read_test_file says what is wrong)."""
    helpers = [
        path
        for path in paths
        if path.endswith(".py") and not defines_tests(ast.parse(read_python(folder, path)))
    ]
    tests = [path for path in paths if path not in helpers]
    return (tests, helpers) if tests else (paths, [])


def exercism_spec(folder: Path, slug: str, module: str, code: CodeParts) -> ExerciseSpec:
    """Exercism has no title, topic, level or limits of its own: LabTutor's defaults."""
    return ExerciseSpec(
        slug=slug,
        title=slug.replace("-", " ").title(),
        topic=EXERCISM_DEFAULT_TOPIC,
        difficulty=EXERCISM_DEFAULT_DIFFICULTY,
        order=EXERCISM_ORDER_BASE,
        module=module,
        statement_md=read_exercism_statement(folder),
        hints=read_exercism_hints(folder),
        time_limit_seconds=DEFAULT_TIME_LIMIT_SECONDS,
        memory_limit_mb=DEFAULT_MEMORY_LIMIT_MB,
        source_format="exercism",
        source_path=str(folder.resolve()),
        **code,
    )


def load_exercism_c_exercise(
    folder: Path, slug: str, config_path: Path, files: dict[str, list[str]]
) -> ExerciseSpec:
    """Exercism's C track: Unity tests in test_*.c, all run (their TEST_IGNORE() lines are
    dropped); the vendored Unity and the exercise's header are compiled in with them. The tests
    run in the student's process, so the verdict can be forged: such exercises are in_process."""
    stub = inside_folder(config_path, folder, files["solution"][0])
    module = Path(stub).stem
    check_program_module_name(config_path, module)
    headers = [path for path in files["solution"][1:] if path.endswith(".h")]
    test_paths = [inside_folder(config_path, folder, path) for path in files["test"]]
    check_distinct_test_filenames(config_path, tuple(Path(path).name for path in test_paths))
    unity = sorted((folder / "test-framework").glob("unity*.[ch]"))
    if not unity:
        raise ExerciseFormatError(folder, "is missing Unity in test-framework/ (unity.c, unity.h)")
    support = [TestFileSpec(path.name, read_text(path)) for path in unity] + [
        TestFileSpec(
            Path(header).name,
            read_required_text(folder, inside_folder(config_path, folder, header)),
        )
        for header in headers
    ]
    tests = []
    for path in test_paths:
        source = read_required_text(folder, path)
        if "RUN_TEST(" not in source:
            raise ExerciseFormatError(folder / path, "defines no tests: no RUN_TEST(...) line")
        source = UNITY_IGNORE.sub("", UNITY_INCLUDE.sub(r'#include "\1"', source))
        tests.append(TestFileSpec(Path(path).name, source))
    code = CodeParts(
        starter_code=read_required_text(folder, stub),
        solution_code=read_required_text(
            folder, inside_folder(config_path, folder, files["example"][0])
        ),
        visible_tests=tuple(tests),
        hidden_tests=(),
        support_files=tuple(support),
        in_process=True,
        language="c99",
    )
    return exercism_spec(folder, slug, module, code)


def read_exercism_files(config_path: Path) -> dict[str, list[str]]:
    """The `files` lists of `.meta/config.json` that LabTutor needs, each checked non-empty."""
    try:
        config = json.loads(read_text(config_path))
    except json.JSONDecodeError as error:
        raise ExerciseFormatError(
            config_path, f"is not valid JSON: {error.msg} (at line {error.lineno})"
        ) from None
    if not isinstance(config, dict):
        raise ExerciseFormatError(config_path, "must hold a JSON object")
    files = config.get("files")
    if not isinstance(files, dict):
        raise ExerciseFormatError(config_path, "is missing the object 'files'")

    lists: dict[str, list[str]] = {}
    for key in ("solution", "test", "example"):
        paths = files.get(key)
        if (
            not isinstance(paths, list)
            or not paths
            or not all(isinstance(path, str) and path for path in paths)
        ):
            raise ExerciseFormatError(
                config_path, f"'files.{key}' must be a non-empty list of file paths"
            )
        lists[key] = paths
    editor = files.get("editor", [])
    if not isinstance(editor, list) or not all(isinstance(path, str) and path for path in editor):
        raise ExerciseFormatError(config_path, "'files.editor' must be a list of file paths")
    lists["editor"] = editor
    return lists


def inside_folder(config_path: Path, folder: Path, relative: str) -> str:
    """Refuse config paths that would read files from outside the exercise folder."""
    target = (folder / relative).resolve()
    if Path(relative).is_absolute() or not target.is_relative_to(folder.resolve()):
        raise ExerciseFormatError(
            config_path, f"file path '{relative}' points outside the exercise folder"
        )
    return relative


def check_distinct_test_filenames(config_path: Path, filenames: tuple[str, ...]) -> None:
    # Test files are written side by side into the grader's scratch folder.
    seen: set[str] = set()
    for filename in filenames:
        if filename in seen:
            raise ExerciseFormatError(
                config_path, f"'files.test' lists two test files named '{filename}'"
            )
        seen.add(filename)


def read_exercism_statement(folder: Path) -> str:
    instructions = read_statement(folder, ".docs/instructions.md")
    parts = [
        read_optional_text(folder, ".docs/introduction.md"),
        instructions,
        read_optional_text(folder, ".docs/instructions.append.md"),
    ]
    return "\n\n".join(part.strip() for part in parts if part.strip()) + "\n"


def read_exercism_hints(folder: Path) -> tuple[str, ...]:
    return split_on_level_two_headings(read_optional_text(folder, ".docs/hints.md"))


def split_on_level_two_headings(markdown: str) -> tuple[str, ...]:
    """Each `## ` section, heading included; the `# Hints` title before the first is dropped."""
    sections: list[list[str]] = []
    in_code_block = False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_code_block = not in_code_block
        # A "## " line inside a code block is a Python comment, not a heading.
        if line.startswith("## ") and not in_code_block:
            sections.append([])
        if sections:
            sections[-1].append(line)
    return tuple(text for text in ("\n".join(lines).strip() for lines in sections) if text)


# --- An Exercism track's config.json ----------------------------------------------------------


@dataclass(frozen=True)
class TrackEntry:
    """What a track's config.json says about one exercise; None where it says nothing usable."""

    title: str | None
    difficulty: Difficulty | None
    topic: str | None


def exercism_difficulty(level: object) -> Difficulty | None:
    """Exercism's 1-10 scale in the words its website uses: 1-3 easy, 4-7 medium, 8-10 hard."""
    if not is_whole_number(level) or not 1 <= level <= 10:
        return None
    if level <= 3:
        return "easy"
    return "medium" if level <= 7 else "hard"


def read_track_entries(config_path: Path) -> dict[str, TrackEntry] | None:
    """slug -> entry from a track's config.json (`exercises.concept[]` and `.practice[]`), or
    None when the file is not a track config. Raises ExerciseFormatError when it is unreadable."""
    try:
        config = json.loads(read_text(config_path))
    except json.JSONDecodeError as error:
        raise ExerciseFormatError(
            config_path, f"is not valid JSON: {error.msg} (at line {error.lineno})"
        ) from None
    if not isinstance(config, dict) or not isinstance(config.get("exercises"), dict):
        return None
    concept_names = {
        concept["slug"]: concept["name"]
        for concept in config.get("concepts", [])
        if isinstance(concept, dict)
        and isinstance(concept.get("slug"), str)
        and isinstance(concept.get("name"), str)
    }
    entries: dict[str, TrackEntry] = {}
    for kind in ("concept", "practice"):
        listed = config["exercises"].get(kind, [])
        for item in listed if isinstance(listed, list) else []:
            if isinstance(item, dict) and isinstance(item.get("slug"), str):
                entries[item["slug"]] = track_entry(item, concept_names)
    return entries


def track_entry(item: dict[str, object], concept_names: dict[str, str]) -> TrackEntry:
    name = item.get("name")
    # Practice exercises name what they practise; concept exercises what they teach; older
    # tracks list free "topics".
    topics: list[object] = []
    for key in ("practices", "concepts", "topics"):
        value = item.get(key)
        if isinstance(value, list) and value:
            topics = value
            break
    topic = None
    if topics and isinstance(topics[0], str) and topics[0].strip():
        first = topics[0].strip()
        topic = concept_names.get(first) or first.replace("-", " ").replace("_", " ").capitalize()
    return TrackEntry(
        title=name.strip() if isinstance(name, str) and name.strip() else None,
        difficulty=exercism_difficulty(item.get("difficulty")),
        topic=topic,
    )


class ExercismTracks:
    """The track config.json files above the Exercism exercises of one load, read once each.

    Only folders inside the loaded root count: a track's metadata is used when the import is
    given the whole track (or a folder holding tracks), never picked up from outside it.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.errors: list[ExerciseFormatError] = []
        self._entries: dict[Path, dict[str, TrackEntry] | None] = {}

    def described(self, spec: ExerciseSpec) -> ExerciseSpec:
        if spec.source_format != "exercism":
            return spec
        entry = self.entry_for(Path(spec.source_path), spec.slug)
        if entry is None:
            return spec
        return replace(
            spec,
            title=entry.title or spec.title,
            difficulty=entry.difficulty or spec.difficulty,
            topic=entry.topic or spec.topic,
        )

    def entry_for(self, folder: Path, slug: str) -> TrackEntry | None:
        for parent in folder.parents:
            if not parent.is_relative_to(self.root):
                return None
            entries = self.entries_in(parent)
            if entries is not None:
                return entries.get(slug)
        return None

    def entries_in(self, folder: Path) -> dict[str, TrackEntry] | None:
        if folder not in self._entries:
            config_path = folder / EXERCISM_TRACK_CONFIG
            entries = None
            if config_path.is_file():
                try:
                    entries = read_track_entries(config_path)
                except ExerciseFormatError as error:
                    self.errors.append(error)
            self._entries[folder] = entries
        return self._entries[folder]


# --- Checks shared by both formats -------------------------------------------------------------


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


def describe(value: object) -> str:
    """How a wrongly typed TOML/JSON value is named in an error message."""
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return f"{type(value).__name__} {value!r}"
