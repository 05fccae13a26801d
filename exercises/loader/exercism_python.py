"""Exercism's Python track: unittest tests beside the stub, helper modules in files.editor."""

from __future__ import annotations

import ast
from pathlib import Path

from exercises.loader.exercism_common import (
    check_distinct_test_filenames,
    exercism_spec,
    inside_folder,
)
from exercises.loader.files import (
    check_module_name,
    defines_tests,
    read_data_file,
    read_python,
    read_support_file,
    read_test_file,
)
from exercises.loader.specs import CodeParts, ExerciseSpec


def load_exercism_python_exercise(
    folder: Path, slug: str, config_path: Path, files: dict[str, list[str]]
) -> ExerciseSpec:
    stub = files["solution"][0]
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
