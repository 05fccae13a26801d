"""Exercism's C track: Unity tests, the vendored Unity in test-framework/, the stub's header."""

from __future__ import annotations

import re
from pathlib import Path

from exercises.loader.exercism_common import (
    check_distinct_test_filenames,
    exercism_spec,
    inside_folder,
    native_test_parts,
)
from exercises.loader.files import check_program_module_name, read_required_text, read_text
from exercises.loader.specs import ExerciseFormatError, ExerciseSpec, TestFileSpec

# The tests include the vendored Unity by its folder; the sandbox holds one folder.
UNITY_INCLUDE = re.compile(r'#include\s+"(?:\.\./)?test-framework/(unity[\w]*\.h)"')
UNITY_IGNORE = re.compile(r"^[ \t]*TEST_IGNORE\(\);[ \t]*(?://.*)?$", re.MULTILINE)


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
    code = native_test_parts(
        folder,
        config_path,
        files,
        stub=stub,
        tests=tuple(tests),
        language="c99",
        support_files=tuple(support),
    )
    return exercism_spec(folder, slug, module, code)
