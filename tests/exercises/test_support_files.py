"""Support files: helper modules for the tests and data files for the student's program, read
by the loader, stored with the exercise and placed on their side of the sandbox when grading."""

import json
from pathlib import Path

import pytest

from exercises.loader import ExerciseFormatError, load_exercise
from exercises.models import Exercise
from exercises.services.grading import run_exercise_tests
from exercises.services.importing import import_exercises_from
from tests.exercises.test_loader import make_exercism, make_native

HELPER = "def expect_greeting(text, name):\n    assert text == f'Hello, {name}!', text\n"
USES_DATA = (
    'def greet(name):\n    with open("greeting.txt") as f:\n'
    "        return f.read().strip().format(name)\n"
)
TESTS_WITH_HELPER = (
    "from greeting import greet\nfrom greeting_checks import expect_greeting\n\n\n"
    "def test_greets_ada():\n    expect_greeting(greet('Ada'), 'Ada')\n"
)


@pytest.mark.django_db
def test_a_native_exercise_with_a_helper_module_and_a_data_file_grades(tmp_path: Path) -> None:
    make_native(
        tmp_path / "greet-from-file",
        files={
            "solution.py": USES_DATA,
            "test_visible.py": TESTS_WITH_HELPER,
            "test_hidden.py": TESTS_WITH_HELPER.replace("Ada", "Grace"),
            "greeting_checks.py": HELPER,
            "greeting.txt": "Hello, {}!\n",
        },
        extra_toml='support_files = ["greeting_checks.py"]\ndata_files = ["greeting.txt"]\n',
    )
    import_exercises_from(tmp_path)
    exercise = Exercise.objects.get(slug="greet-from-file")

    assert [f["filename"] for f in exercise.support_files] == ["greeting_checks.py"]
    assert [f["filename"] for f in exercise.data_files] == ["greeting.txt"]
    reference = run_exercise_tests(exercise, exercise.solution_code, include_hidden=True)
    assert reference["passed"], reference
    wrong = run_exercise_tests(
        exercise, USES_DATA.replace("strip()", "strip() + '?'"), include_hidden=True
    )
    assert not wrong["passed"]


@pytest.mark.django_db
def test_exercism_editor_files_are_test_helpers(tmp_path: Path) -> None:
    folder = make_exercism(tmp_path / "two-fer", files_config={"editor": ["test_utils.py"]})
    (folder / "test_utils.py").write_text("EXPECTED = 'you'\n")
    (folder / "two_fer_test.py").write_text(
        "import unittest\n\nfrom test_utils import EXPECTED\nfrom two_fer import two_fer\n\n\n"
        "class TwoFerTest(unittest.TestCase):\n"
        "    def test_no_name_given(self):\n"
        "        self.assertEqual(two_fer(), EXPECTED)\n"
    )
    spec = load_exercise(folder)
    assert [f.filename for f in spec.support_files] == ["test_utils.py"]
    import_exercises_from(tmp_path)
    exercise = Exercise.objects.get(slug="two-fer")

    assert run_exercise_tests(exercise, exercise.solution_code, include_hidden=True)["passed"]
    assert not run_exercise_tests(exercise, exercise.starter_code, include_hidden=False)["passed"]


@pytest.mark.django_db
def test_a_helper_listed_under_exercism_files_test_is_a_test_helper(tmp_path: Path) -> None:
    """paasio's and error-handling's config.json list test_utils.py beside their tests."""
    folder = make_exercism(
        tmp_path / "two-fer", files_config={"test": ["two_fer_test.py", "test_utils.py"]}
    )
    (folder / "test_utils.py").write_text(
        "class Expected:\n    def __init__(self):\n        self.text = 'you'\n"
    )
    (folder / "two_fer_test.py").write_text(
        "import unittest\n\nfrom test_utils import Expected\nfrom two_fer import two_fer\n\n\n"
        "class TwoFerTest(unittest.TestCase):\n"
        "    def test_no_name_given(self):\n"
        "        self.assertEqual(two_fer(), Expected().text)\n"
    )
    spec = load_exercise(folder)
    assert [f.filename for f in spec.visible_tests] == ["two_fer_test.py"]
    assert [f.filename for f in spec.support_files] == ["test_utils.py"]
    import_exercises_from(tmp_path)
    exercise = Exercise.objects.get(slug="two-fer")

    assert run_exercise_tests(exercise, exercise.solution_code, include_hidden=True)["passed"]
    assert not run_exercise_tests(exercise, exercise.starter_code, include_hidden=False)["passed"]


def test_files_test_without_any_tests_is_still_an_error(tmp_path: Path) -> None:
    folder = make_exercism(tmp_path / "two-fer")
    (folder / "two_fer_test.py").write_text("HELPER = 1\n")
    with pytest.raises(ExerciseFormatError, match="defines no tests"):
        load_exercise(folder)


def test_support_and_data_file_lists_are_checked(tmp_path: Path) -> None:
    folder = make_native(tmp_path / "bad", extra_toml='support_files = ["../x.py"]\n')
    with pytest.raises(ExerciseFormatError, match="give a file name in the exercise folder"):
        load_exercise(folder)
    folder = make_exercism(tmp_path / "worse", files_config={"editor": "test_utils.py"})
    with pytest.raises(ExerciseFormatError, match=r"files\.editor"):
        load_exercise(folder)
    assert json.loads((folder / ".meta" / "config.json").read_text())["files"]["editor"]
