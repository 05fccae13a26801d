"""Tests for the exercise loader: both formats, and one test per validation error."""

import json
import shutil
from pathlib import Path

import pytest

from exercises.loader import (
    EXERCISM_ORDER_BASE,
    MAX_FILE_BYTES,
    ExerciseFormatError,
    ExerciseSpec,
    TestFileSpec,
    load_exercise,
    load_exercises,
)
from tests.conftest import EXERCISM_SAMPLES

VALID_FIELDS = {
    "title": '"Greet by name"',
    "topic": '"Variables and strings"',
    "difficulty": '"easy"',
    "order": "20",
    "module": '"greeting"',
    "hints": '["Concept: f-strings.", "Where to look: the return line.", "Plan: build, return."]',
}
VALID_FILES = {
    "statement.md": "# Greet by name\n\nWrite `greet(name)` that returns `Hello, <name>!`.\n",
    "starter.py": "def greet(name):\n    pass\n",
    "solution.py": 'def greet(name):\n    return f"Hello, {name}!"\n',
    "test_visible.py": (
        "from greeting import greet\n\n\n"
        "def test_greets_ada():\n"
        '    assert greet("Ada") == "Hello, Ada!"\n'
    ),
    "test_hidden.py": (
        "import unittest\n\nfrom greeting import greet\n\n\n"
        "class HiddenTests(unittest.TestCase):\n"
        "    def test_greets_an_empty_name(self):\n"
        '        self.assertEqual(greet(""), "Hello, !")\n'
    ),
}
FINE_SLUG = "still-fine"


def make_native(
    folder: Path,
    *,
    fields: dict[str, str | None] | None = None,
    files: dict[str, str | bytes | None] | None = None,
    extra_toml: str = "",
) -> Path:
    """A valid LabTutor exercise; `fields` (raw TOML values) and `files` override or remove."""
    folder.mkdir(parents=True)
    toml_fields = {**VALID_FIELDS, **(fields or {})}
    toml = "".join(f"{key} = {value}\n" for key, value in toml_fields.items() if value is not None)
    contents: dict[str, str | bytes | None] = {
        "exercise.toml": toml + extra_toml,
        **VALID_FILES,
        **(files or {}),
    }
    for name, content in contents.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        elif content is not None:
            (folder / name).write_text(content, encoding="utf-8")
    return folder


def make_exercism(
    folder: Path,
    *,
    files_config: dict[str, object] | None = None,
    docs: dict[str, str] | None = None,
) -> Path:
    """A valid Exercism exercise modelled on two-fer; `files_config` overrides config `files`."""
    (folder / ".meta").mkdir(parents=True)
    (folder / ".docs").mkdir()
    config_files = {
        "solution": ["two_fer.py"],
        "test": ["two_fer_test.py"],
        "example": [".meta/example.py"],
        **(files_config or {}),
    }
    (folder / ".meta" / "config.json").write_text(json.dumps({"files": config_files}))
    (folder / ".meta" / "example.py").write_text("def two_fer(name='you'):\n    return name\n")
    (folder / "two_fer.py").write_text("def two_fer(name):\n    pass\n")
    (folder / "two_fer_test.py").write_text(
        "import unittest\n\nfrom two_fer import two_fer\n\n\n"
        "class TwoFerTest(unittest.TestCase):\n"
        "    def test_no_name_given(self):\n"
        "        self.assertEqual(two_fer(), 'you')\n"
    )
    for name, text in {"instructions.md": "# Instructions\n\nSay it.\n", **(docs or {})}.items():
        (folder / ".docs" / name).write_text(text)
    return folder


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A tree already holding one valid exercise, which must keep loading beside broken ones."""
    make_native(tmp_path / FINE_SLUG, fields={"order": "1"})
    return tmp_path


def only_error(root: Path) -> ExerciseFormatError:
    """Load `root`, check that the valid sibling still loaded, and return the single error."""
    report = load_exercises(root)
    assert [spec.slug for spec in report.exercises] == [FINE_SLUG]
    assert len(report.errors) == 1, report.errors
    error = report.errors[0]
    assert str(error) == f"{error.path}: {error.problem}"
    return error


# --- Real Exercism samples ---------------------------------------------------------------------


def test_loads_the_three_real_exercism_samples_in_alphabetical_order() -> None:
    report = load_exercises(EXERCISM_SAMPLES)

    assert report.errors == []
    assert [spec.slug for spec in report.exercises] == ["hello-world", "matrix", "two-fer"]
    assert [spec.order for spec in report.exercises] == [
        EXERCISM_ORDER_BASE,
        EXERCISM_ORDER_BASE + 1,
        EXERCISM_ORDER_BASE + 2,
    ]


def test_reads_hello_world_as_exercism_describes_it() -> None:
    spec = load_exercise(EXERCISM_SAMPLES / "hello-world")

    assert spec.slug == "hello-world"
    assert spec.title == "Hello World"
    assert spec.module == "hello_world"
    assert spec.topic == "Exercism"
    assert spec.difficulty == "medium"
    assert spec.source_format == "exercism"
    assert spec.source_path == str((EXERCISM_SAMPLES / "hello-world").resolve())
    assert 'Just say "Hello, World!".' in spec.statement_md
    assert "Goodbye, Mars!" in spec.starter_code
    assert "return 'Hello, World!'" in spec.solution_code
    assert [test.filename for test in spec.visible_tests] == ["hello_world_test.py"]
    assert "def test_say_hi(self):" in spec.visible_tests[0].code
    assert spec.hidden_tests == ()
    assert spec.hints == ()
    assert spec.time_limit_seconds == 5.0
    assert spec.memory_limit_mb == 256


def test_two_fer_statement_puts_the_introduction_before_the_instructions() -> None:
    statement = load_exercise(EXERCISM_SAMPLES / "two-fer").statement_md

    assert statement.startswith("# Introduction\n")
    assert statement.index("two-for-one") < statement.index("# Instructions")
    assert "One for Do-yun, one for me." in statement


def test_matrix_statement_ends_with_the_instructions_append() -> None:
    spec = load_exercise(EXERCISM_SAMPLES / "matrix")

    assert spec.title == "Matrix"
    assert spec.module == "matrix"
    assert spec.statement_md.index("# Instructions\n") < spec.statement_md.index(
        "# Instructions append"
    )
    assert "How this exercise is structured on the Python track" in spec.statement_md
    assert "class Matrix:" in spec.solution_code
    assert spec.visible_tests[0].code.count("    def test_") == 8


# --- Valid exercises ---------------------------------------------------------------------------


def test_loads_a_valid_native_exercise(tmp_path: Path) -> None:
    folder = make_native(tmp_path / "greet-by-name")

    spec = load_exercise(folder)

    assert spec == ExerciseSpec(
        slug="greet-by-name",
        title="Greet by name",
        topic="Variables and strings",
        difficulty="easy",
        order=20,
        module="greeting",
        statement_md=VALID_FILES["statement.md"],
        starter_code=VALID_FILES["starter.py"],
        solution_code=VALID_FILES["solution.py"],
        visible_tests=(TestFileSpec("test_visible.py", VALID_FILES["test_visible.py"]),),
        hidden_tests=(TestFileSpec("test_hidden.py", VALID_FILES["test_hidden.py"]),),
        hints=("Concept: f-strings.", "Where to look: the return line.", "Plan: build, return."),
        time_limit_seconds=5.0,
        memory_limit_mb=256,
        source_format="labtutor",
        source_path=str(folder.resolve()),
    )


def test_reads_limits_when_given(tmp_path: Path) -> None:
    folder = make_native(
        tmp_path / "greet-by-name", extra_toml="\n[limits]\ntime_seconds = 2.5\nmemory_mb = 128\n"
    )

    spec = load_exercise(folder)

    assert (spec.time_limit_seconds, spec.memory_limit_mb) == (2.5, 128)


def test_accepts_two_hints_and_a_utf8_byte_order_mark(tmp_path: Path) -> None:
    folder = make_native(
        tmp_path / "greet-by-name",
        fields={"hints": '["Concept: one.", "Plan: two."]'},
        files={"starter.py": "\ufeffdef greet(name):\n    pass\n"},
    )

    spec = load_exercise(folder)

    assert spec.hints == ("Concept: one.", "Plan: two.")
    assert spec.starter_code == "def greet(name):\n    pass\n"


def test_walks_grouping_folders_and_sorts_by_order_then_slug(tmp_path: Path) -> None:
    make_native(tmp_path / "02-loops" / "count-up", fields={"order": "30"})
    make_native(tmp_path / "01-strings" / "shout", fields={"order": "20"})
    make_native(tmp_path / "01-strings" / "greet-by-name", fields={"order": "10"})
    make_exercism(tmp_path / "exercism" / "two-fer")

    report = load_exercises(tmp_path)

    assert report.errors == []
    assert [(spec.slug, spec.order) for spec in report.exercises] == [
        ("greet-by-name", 10),
        ("shout", 20),
        ("count-up", 30),
        ("two-fer", EXERCISM_ORDER_BASE),
    ]


def test_loads_a_root_that_is_itself_an_exercise(tmp_path: Path) -> None:
    folder = make_native(tmp_path / "greet-by-name")

    report = load_exercises(folder)

    assert [spec.slug for spec in report.exercises] == ["greet-by-name"]


def test_skips_hidden_folders_pycache_and_folders_inside_an_exercise(tree: Path) -> None:
    make_native(tree / ".drafts" / "draft-exercise", fields={"order": "2"})
    make_native(tree / "__pycache__" / "cached-exercise", fields={"order": "3"})
    make_native(tree / FINE_SLUG / "nested-exercise", fields={"order": "4"})

    report = load_exercises(tree)

    assert [spec.slug for spec in report.exercises] == [FINE_SLUG]
    assert report.errors == []


def test_splits_exercism_hints_on_level_two_headings(tmp_path: Path) -> None:
    hints_md = (
        "# Hints\n\n"
        "## General\n\n- Use an f-string.\n\n"
        "## Default arguments\n\n```python\n## not a heading inside code\n```\n"
    )
    folder = make_exercism(tmp_path / "two-fer", docs={"hints.md": hints_md})

    spec = load_exercise(folder)

    assert spec.hints == (
        "## General\n\n- Use an f-string.",
        "## Default arguments\n\n```python\n## not a heading inside code\n```",
    )


# --- Errors: files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "missing", ["statement.md", "starter.py", "solution.py", "test_visible.py", "test_hidden.py"]
)
def test_reports_a_missing_required_file(tree: Path, missing: str) -> None:
    folder = make_native(tree / "greet-by-name", files={missing: None})

    error = only_error(tree)

    assert error.path == folder
    assert error.problem == f"is missing the required file {missing}"


def test_reports_a_file_that_is_not_utf8(tree: Path) -> None:
    folder = make_native(tree / "greet-by-name", files={"statement.md": b"# Caf\xe9\n\nText\n"})

    error = only_error(tree)

    assert error.path == folder / "statement.md"
    assert "is not UTF-8 text" in error.problem
    assert "line 1" in error.problem


def test_reports_a_file_over_the_size_cap(tree: Path) -> None:
    huge = "# " + "x" * MAX_FILE_BYTES
    folder = make_native(tree / "greet-by-name", files={"statement.md": huge})

    error = only_error(tree)

    assert error.path == folder / "statement.md"
    assert "is too large" in error.problem
    assert "256 KiB" in error.problem


def test_reports_a_required_file_that_is_a_folder(tree: Path) -> None:
    folder = make_native(tree / "greet-by-name", files={"solution.py": None})
    (folder / "solution.py").mkdir()

    error = only_error(tree)

    assert error.path == folder / "solution.py"
    assert error.problem == "is not a regular file"


def test_reports_an_empty_statement(tree: Path) -> None:
    folder = make_native(tree / "greet-by-name", files={"statement.md": "\n  \n"})

    error = only_error(tree)

    assert error.path == folder / "statement.md"
    assert error.problem == "is empty"


# --- Errors: exercise.toml ---------------------------------------------------------------------


def test_reports_a_toml_syntax_error_with_its_line(tree: Path) -> None:
    folder = make_native(tree / "greet-by-name", fields={"order": "twenty"})

    error = only_error(tree)

    assert error.path == folder / "exercise.toml"
    assert error.problem.startswith("is not valid TOML")
    assert "line 4" in error.problem


def test_reports_a_missing_key(tree: Path) -> None:
    folder = make_native(tree / "greet-by-name", fields={"topic": None})

    error = only_error(tree)

    assert error.path == folder / "exercise.toml"
    assert error.problem == "is missing the key 'topic'"


def test_reports_an_unknown_key(tree: Path) -> None:
    folder = make_native(tree / "greet-by-name", fields={"dificulty": '"hard"'})

    error = only_error(tree)

    assert error.path == folder / "exercise.toml"
    assert "unknown key 'dificulty'" in error.problem


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("title", "3", "key 'title' must be a string, not int 3"),
        ("module", "[]", "key 'module' must be a string, not a list of 0"),
        ("order", '"20"', "key 'order' must be a whole number, not str '20'"),
        ("order", "true", "key 'order' must be a whole number, not bool True"),
        ("title", '"  "', "key 'title' must not be empty"),
    ],
)
def test_reports_a_key_of_the_wrong_type(tree: Path, key: str, value: str, expected: str) -> None:
    folder = make_native(tree / "greet-by-name", fields={key: value})

    error = only_error(tree)

    assert error.path == folder / "exercise.toml"
    assert error.problem == expected


def test_reports_an_unknown_difficulty(tree: Path) -> None:
    folder = make_native(tree / "greet-by-name", fields={"difficulty": '"expert"'})

    error = only_error(tree)

    assert error.path == folder / "exercise.toml"
    assert error.problem == "key 'difficulty' must be one of easy, medium, hard, not 'expert'"


def test_reports_an_order_in_the_exercism_range(tree: Path) -> None:
    folder = make_native(tree / "greet-by-name", fields={"order": str(EXERCISM_ORDER_BASE)})

    error = only_error(tree)

    assert error.path == folder / "exercise.toml"
    assert "key 'order' must be between 0 and 9999" in error.problem


@pytest.mark.parametrize(
    ("hints", "expected"),
    [
        ('["Only one."]', "key 'hints' must be a list of 2 or 3 hints, not a list of 1"),
        ('["a", "b", "c", "d"]', "key 'hints' must be a list of 2 or 3 hints, not a list of 4"),
        (
            '"Just a string."',
            "key 'hints' must be a list of 2 or 3 hints, not str 'Just a string.'",
        ),
        ('["Concept: x.", "  "]', "hint 2 must be a non-empty string, not str '  '"),
        ('["Concept: x.", 7]', "hint 2 must be a non-empty string, not int 7"),
    ],
)
def test_reports_hints_that_are_not_two_or_three_strings(
    tree: Path, hints: str, expected: str
) -> None:
    folder = make_native(tree / "greet-by-name", fields={"hints": hints})

    error = only_error(tree)

    assert error.path == folder / "exercise.toml"
    assert error.problem == expected


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        ("time_seconds = 0.5", "key 'time_seconds' must be between 1 and 60, not 0.5"),
        ("time_seconds = 61", "key 'time_seconds' must be between 1 and 60, not 61"),
        ("memory_mb = 16", "key 'memory_mb' must be between 32 and 2048, not 16"),
        ("memory_mb = 4096", "key 'memory_mb' must be between 32 and 2048, not 4096"),
        ('time_seconds = "5"', "key 'time_seconds' must be a number, not str '5'"),
        ("memory_mb = 256.5", "key 'memory_mb' must be a whole number, not float 256.5"),
        ("cpu_seconds = 5", "unknown key 'cpu_seconds' in [limits]"),
    ],
)
def test_reports_limits_out_of_range_or_mistyped(tree: Path, limits: str, expected: str) -> None:
    folder = make_native(tree / "greet-by-name", extra_toml=f"\n[limits]\n{limits}\n")

    error = only_error(tree)

    assert error.path == folder / "exercise.toml"
    assert expected in error.problem


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("greet-ing", "module name 'greet-ing' is not a valid Python module name"),
        ("2greet", "module name '2greet' is not a valid Python module name"),
        ("class", "module name 'class' is not a valid Python module name"),
        ("grüße", "module name 'grüße' is not a valid Python module name"),
        ("random", "module name 'random' would shadow Python's standard library module"),
        ("test_visible", "module name 'test_visible' clashes with the test file 'test_visible.py'"),
        ("test_hidden", "module name 'test_hidden' clashes with the test file 'test_hidden.py'"),
    ],
)
def test_reports_an_unusable_module_name(tree: Path, module: str, expected: str) -> None:
    folder = make_native(tree / "greet-by-name", fields={"module": f'"{module}"'})

    error = only_error(tree)

    assert error.path == folder / "exercise.toml"
    assert expected in error.problem


# --- Errors: Python files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "filename", ["starter.py", "solution.py", "test_visible.py", "test_hidden.py"]
)
def test_reports_a_python_syntax_error_with_its_line(tree: Path, filename: str) -> None:
    broken = "def greet(name):\n    return 1\n\ndef test_x(:\n    pass\n"
    folder = make_native(tree / "greet-by-name", files={filename: broken})

    error = only_error(tree)

    assert error.path == folder / filename
    assert error.problem.startswith("has a Python syntax error on line 4: ")


def test_reports_errors_only_the_compiler_finds(tree: Path) -> None:
    folder = make_native(tree / "greet-by-name", files={"solution.py": "return 42\n"})

    error = only_error(tree)

    assert error.path == folder / "solution.py"
    assert error.problem == "has a Python syntax error on line 1: 'return' outside function"


@pytest.mark.parametrize(
    "code",
    [
        "from greeting import greet\n\n\ndef check_greets_ada():\n    assert greet('Ada')\n",
        "import unittest\n\n\nclass GreetTests(unittest.TestCase):\n    def helper(self):\n"
        "        pass\n",
        "def helper():\n    def test_nested():\n        pass\n",
        "",
    ],
    ids=["misnamed function", "class without test methods", "nested function", "empty file"],
)
def test_reports_a_test_file_that_defines_no_tests(tree: Path, code: str) -> None:
    folder = make_native(tree / "greet-by-name", files={"test_hidden.py": code})

    error = only_error(tree)

    assert error.path == folder / "test_hidden.py"
    assert error.problem.startswith("defines no tests")


# --- Errors: across the tree -------------------------------------------------------------------


def test_reports_an_invalid_slug(tree: Path) -> None:
    folder = make_native(tree / "Greet_By_Name")

    error = only_error(tree)

    assert error.path == folder
    assert "folder name 'Greet_By_Name' is not a valid slug" in error.problem


def test_reports_a_duplicate_slug_on_the_second_naming_both(tree: Path) -> None:
    first = make_native(tree / "a-strings" / "greet-by-name", fields={"order": "10"})
    second = make_native(tree / "b-more-strings" / "greet-by-name", fields={"order": "11"})

    report = load_exercises(tree)

    assert [spec.slug for spec in report.exercises] == [FINE_SLUG, "greet-by-name"]
    assert report.exercises[1].source_path == str(first.resolve())
    [error] = report.errors
    assert error.path == second
    assert error.problem == f"slug 'greet-by-name' is already used by the exercise at {first}"


def test_reports_a_slug_taken_by_the_other_format(tree: Path) -> None:
    first = make_exercism(tree / "a-exercism" / "two-fer")
    second = make_native(tree / "b-curriculum" / "two-fer", fields={"order": "10"})

    report = load_exercises(tree)

    assert [spec.slug for spec in report.exercises] == [FINE_SLUG, "two-fer"]
    [error] = report.errors
    assert error.path == second
    assert str(first) in error.problem


def test_reports_a_duplicate_curriculum_order(tree: Path) -> None:
    # Sorts after FINE_SLUG, so it is the second to claim the order.
    folder = make_native(tree / "welcome", fields={"order": "1"})

    error = only_error(tree)

    assert error.path == folder / "exercise.toml"
    assert error.problem == f"order 1 is already used by the exercise at {tree / FINE_SLUG}"


def test_reports_a_root_that_is_not_a_folder(tmp_path: Path) -> None:
    report = load_exercises(tmp_path / "nowhere")

    assert report.exercises == []
    [error] = report.errors
    assert error.path == tmp_path / "nowhere"
    assert error.problem == "is not a folder"


def test_load_exercise_raises_for_a_malformed_exercise(tmp_path: Path) -> None:
    folder = make_native(tmp_path / "greet-by-name", fields={"difficulty": '"expert"'})

    with pytest.raises(ExerciseFormatError) as raised:
        load_exercise(folder)

    assert raised.value.path == folder / "exercise.toml"
    assert str(raised.value).startswith(f"{folder / 'exercise.toml'}: ")


def test_load_exercise_rejects_a_folder_of_neither_format(tmp_path: Path) -> None:
    with pytest.raises(ExerciseFormatError, match="is not an exercise folder"):
        load_exercise(tmp_path)


# --- Errors: Exercism --------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["solution", "test", "example"])
def test_reports_a_missing_exercism_files_list(tree: Path, key: str) -> None:
    folder = make_exercism(tree / "two-fer", files_config={key: []})

    error = only_error(tree)

    assert error.path == folder / ".meta" / "config.json"
    assert error.problem == f"'files.{key}' must be a non-empty list of file paths"


def test_reports_exercism_config_without_files(tree: Path) -> None:
    folder = make_exercism(tree / "two-fer")
    (folder / ".meta" / "config.json").write_text('{"authors": []}')

    error = only_error(tree)

    assert error.path == folder / ".meta" / "config.json"
    assert error.problem == "is missing the object 'files'"


def test_reports_invalid_exercism_json_with_its_line(tree: Path) -> None:
    folder = make_exercism(tree / "two-fer")
    (folder / ".meta" / "config.json").write_text('{\n  "files": {},\n}\n')

    error = only_error(tree)

    assert error.path == folder / ".meta" / "config.json"
    assert error.problem.startswith("is not valid JSON")
    assert "line 3" in error.problem


def test_reports_an_exercism_path_outside_the_exercise(tree: Path) -> None:
    folder = make_exercism(
        tree / "two-fer", files_config={"example": ["../still-fine/solution.py"]}
    )

    error = only_error(tree)

    assert error.path == folder / ".meta" / "config.json"
    assert error.problem == (
        "file path '../still-fine/solution.py' points outside the exercise folder"
    )


def test_reports_an_exercism_stub_that_is_not_python(tree: Path) -> None:
    folder = make_exercism(tree / "two-fer", files_config={"solution": ["two_fer.txt"]})

    error = only_error(tree)

    assert error.path == folder / ".meta" / "config.json"
    assert error.problem == (
        "'files.solution[0]' must be a Python (.py), C (.c), Java (.java) or JavaScript (.js) "
        "file, not 'two_fer.txt'"
    )


def test_reports_an_exercism_stub_shadowing_the_standard_library(tree: Path) -> None:
    folder = make_exercism(tree / "two-fer", files_config={"solution": ["string.py"]})

    error = only_error(tree)

    assert error.path == folder / ".meta" / "config.json"
    assert "module name 'string' would shadow" in error.problem


def test_reports_missing_exercism_instructions(tree: Path) -> None:
    folder = make_exercism(tree / "two-fer")
    (folder / ".docs" / "instructions.md").unlink()

    error = only_error(tree)

    assert error.path == folder
    assert error.problem == "is missing the required file .docs/instructions.md"


def test_reports_a_missing_exercism_test_file(tree: Path) -> None:
    folder = make_exercism(tree / "two-fer")
    (folder / "two_fer_test.py").unlink()

    error = only_error(tree)

    assert error.path == folder
    assert error.problem == "is missing the required file two_fer_test.py"


def test_reports_two_exercism_test_files_with_the_same_name(tree: Path) -> None:
    folder = make_exercism(
        tree / "two-fer", files_config={"test": ["two_fer_test.py", "extra/two_fer_test.py"]}
    )

    error = only_error(tree)

    assert error.path == folder / ".meta" / "config.json"
    assert error.problem == "'files.test' lists two test files named 'two_fer_test.py'"


def test_reports_an_exercism_stub_named_like_a_test_file(tree: Path) -> None:
    folder = make_exercism(tree / "two-fer", files_config={"solution": ["two_fer_test.py"]})

    error = only_error(tree)

    assert error.path == folder / ".meta" / "config.json"
    assert error.problem == (
        "module name 'two_fer_test' clashes with the test file 'two_fer_test.py'"
    )


def test_native_metadata_problems_are_reported_before_file_problems(tree: Path) -> None:
    folder = make_native(
        tree / "greet-by-name",
        fields={"difficulty": '"expert"'},
        files={"starter.py": "def broken(:\n"},
    )

    error = only_error(tree)

    assert error.path == folder / "exercise.toml"


# --- A whole Exercism track --------------------------------------------------------------------

# Shaped like exercism/python's config.json: `exercises.concept[]` and `exercises.practice[]`
# entries (slug, name, uuid, practices or concepts, prerequisites, difficulty 1-10), and the
# track's `concepts[]` naming each concept slug.
TRACK_CONFIG = {
    "language": "Python",
    "slug": "python",
    "exercises": {
        "concept": [
            {
                "slug": "two-fer",
                "name": "Two-Fer (concept)",
                "uuid": "00000000-0000-4000-8000-000000000001",
                "concepts": ["string-formatting"],
                "prerequisites": ["basics"],
                "status": "beta",
            }
        ],
        "practice": [
            {
                "slug": "hello-world",
                "name": "Hello World",
                "uuid": "f458c48a-4a05-4809-9168-8edd55179349",
                "practices": [],
                "prerequisites": [],
                "difficulty": 1,
            },
            {
                "slug": "matrix",
                "name": "Matrix",
                "uuid": "00000000-0000-4000-8000-000000000002",
                "practices": ["list-comprehensions", "loops"],
                "prerequisites": ["lists"],
                "difficulty": 8,
            },
        ],
        "foregone": [],
    },
    "concepts": [
        {"uuid": "7533db6d", "slug": "list-comprehensions", "name": "List Comprehensions"},
        {"uuid": "a629488d", "slug": "string-formatting", "name": "String Formatting"},
    ],
}


def make_track(root: Path, config: object) -> Path:
    """A track laid out as Exercism's repositories are, holding the three real samples."""
    for slug in ("hello-world", "matrix", "two-fer"):
        kind = "concept" if slug == "two-fer" else "practice"
        shutil.copytree(EXERCISM_SAMPLES / slug, root / "exercises" / kind / slug)
    text = config if isinstance(config, str) else json.dumps(config, indent=2)
    (root / "config.json").write_text(text)
    return root


def test_a_whole_track_gives_names_difficulties_and_topics(tmp_path: Path) -> None:
    report = load_exercises(make_track(tmp_path / "python", TRACK_CONFIG))

    assert report.errors == []
    specs = {spec.slug: spec for spec in report.exercises}
    assert (specs["hello-world"].difficulty, specs["matrix"].difficulty) == ("easy", "hard")
    # The first concept practised, by the track's own name for it.
    assert specs["matrix"].topic == "List Comprehensions"
    assert specs["two-fer"].topic == "String Formatting"
    assert specs["two-fer"].title == "Two-Fer (concept)"
    # Nothing practised and no difficulty given: the defaults stay.
    assert specs["hello-world"].topic == "Exercism"
    assert specs["two-fer"].difficulty == "medium"


@pytest.mark.parametrize(
    ("level", "word"), [(1, "easy"), (3, "easy"), (4, "medium"), (7, "medium"), (8, "hard")]
)
def test_exercism_difficulty_levels_read_as_its_website_words(
    tmp_path: Path, level: int, word: str
) -> None:
    config = json.loads(json.dumps(TRACK_CONFIG))
    config["exercises"]["practice"][1]["difficulty"] = level
    specs = {spec.slug: spec for spec in load_exercises(make_track(tmp_path, config)).exercises}
    assert specs["matrix"].difficulty == word


def test_unusable_track_values_fall_back_to_the_defaults(tmp_path: Path) -> None:
    config = json.loads(json.dumps(TRACK_CONFIG))
    matrix = config["exercises"]["practice"][1]
    matrix.update(difficulty=42, practices=[7], name="  ")
    matrix["topics"] = None
    config["concepts"] = "not a list"
    specs = {spec.slug: spec for spec in load_exercises(make_track(tmp_path, config)).exercises}
    assert (specs["matrix"].difficulty, specs["matrix"].topic) == ("medium", "Exercism")
    assert specs["matrix"].title == "Matrix"
    # A concept slug the track does not name is shown in words.
    assert specs["two-fer"].topic == "String formatting"


def test_a_broken_track_config_is_reported_and_its_exercises_still_load(tmp_path: Path) -> None:
    root = make_track(tmp_path, '{"exercises": {"practice": [}')
    report = load_exercises(root)
    assert [spec.slug for spec in report.exercises] == ["hello-world", "matrix", "two-fer"]
    assert {spec.difficulty for spec in report.exercises} == {"medium"}
    assert len(report.errors) == 1
    assert report.errors[0].path == root / "config.json"
    assert "is not valid JSON" in report.errors[0].problem


def test_a_config_json_that_is_no_track_is_ignored(tmp_path: Path) -> None:
    report = load_exercises(make_track(tmp_path, {"name": "some other tool's settings"}))
    assert report.errors == []
    assert {spec.topic for spec in report.exercises} == {"Exercism"}


def test_a_track_config_outside_the_imported_folder_is_not_read(tmp_path: Path) -> None:
    make_track(tmp_path, TRACK_CONFIG)
    report = load_exercises(tmp_path / "exercises" / "practice")
    assert {spec.slug: spec.difficulty for spec in report.exercises} == {
        "hello-world": "medium",
        "matrix": "medium",
    }


# --- Other languages --------------------------------------------------------------------------

IO_CASES = '[[case]]\nname = "echo"\nstdin = "hi"\nstdout = "hi"\n'


def write_program_exercise(root: Path, *, language: str = "java", **files: str) -> Path:
    folder = root / "echo-it"
    folder.mkdir()
    (folder / "exercise.toml").write_text(
        f'title = "Echo"\ntopic = "Java"\ndifficulty = "easy"\norder = 1\n'
        f'language = "{language}"\nmodule = "Main"\nhints = ["one", "two"]\n'
    )
    defaults = {
        "statement.md": "Echo the input.\n",
        "starter.java": "public class Main {}\n",
        "solution.java": "public class Main { /* ... */ }\n",
        "test_visible.toml": IO_CASES,
        "test_hidden.toml": IO_CASES,
    }
    for name, text in {**defaults, **files}.items():
        (folder / name).write_text(text)
    return folder


def test_a_java_exercise_loads_with_its_cases(tmp_path: Path) -> None:
    spec = load_exercise(write_program_exercise(tmp_path))
    assert spec.language == "java"
    assert spec.starter_code == "public class Main {}\n"
    assert [test.filename for test in spec.visible_tests] == ["test_visible.toml"]
    assert not spec.in_process


def test_an_unknown_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExerciseFormatError, match="key 'language' must be one of"):
        load_exercise(write_program_exercise(tmp_path, language="cobol"))


def test_broken_cases_name_the_case(tmp_path: Path) -> None:
    broken = '[[case]]\nname = "no output"\nstdin = "x"\n'
    folder = write_program_exercise(tmp_path, **{"test_hidden.toml": broken})
    with pytest.raises(ExerciseFormatError, match="case 1: 'stdout'") as raised:
        load_exercise(folder)
    assert raised.value.path.name == "test_hidden.toml"


def test_node_test_files_are_visible_tests_marked_forgeable(tmp_path: Path) -> None:
    folder = tmp_path / "adder"
    folder.mkdir()
    (folder / "exercise.toml").write_text(
        'title = "Add"\ntopic = "JavaScript"\ndifficulty = "easy"\norder = 1\n'
        'language = "javascript"\nmodule = "adder"\nhints = ["one", "two"]\n'
    )
    for name, text in {
        "statement.md": "Add.\n",
        "starter.js": "module.exports = {};\n",
        "solution.js": "module.exports = { add: (a, b) => a + b };\n",
        "adder.test.js": 'const test = require("node:test");\ntest("adds", () => {});\n',
        "test_hidden.toml": IO_CASES,
    }.items():
        (folder / name).write_text(text)

    spec = load_exercise(folder)

    assert [test.filename for test in spec.visible_tests] == ["adder.test.js"]
    assert [test.filename for test in spec.hidden_tests] == ["test_hidden.toml"]
    assert spec.in_process  # the student's process prints the verdicts: forgeable


def test_junit_files_are_visible_tests_marked_forgeable(tmp_path: Path) -> None:
    folder = write_program_exercise(
        tmp_path,
        **{"MainTest.java": "class MainTest { @org.junit.jupiter.api.Test void t() {} }\n"},
    )

    spec = load_exercise(folder)

    assert [test.filename for test in spec.visible_tests] == ["MainTest.java"]
    assert [test.filename for test in spec.hidden_tests] == ["test_hidden.toml"]
    assert spec.in_process


def test_hidden_test_hints_are_on_unless_the_exercise_turns_them_off(tree: Path) -> None:
    assert load_exercise(make_native(tree / "on", fields={"order": "2"})).hidden_test_hints
    off = make_native(tree / "off", fields={"order": "3", "hidden_test_hints": "false"})
    assert load_exercise(off).hidden_test_hints is False

    make_native(tree / "bad", fields={"order": "4", "hidden_test_hints": '"no"'})
    errors = load_exercises(tree).errors
    assert [error.problem for error in errors] == ["key 'hidden_test_hints' must be true or false"]
