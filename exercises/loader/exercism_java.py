"""Exercism's Java track: JUnit 5 tests with AssertJ under src/test/java, the student's class
under src/main/java, the reference under .meta/src/reference/java. Every test runs: the
`@Disabled("Remove to run test")` lines a student deletes one by one are dropped. The tests run
in the student's process (the JUnit console launcher), so the verdict can be forged: in_process.
"""

from __future__ import annotations

import re
from pathlib import Path

from exercises.loader.exercism_common import (
    check_distinct_test_filenames,
    exercism_spec,
    inside_folder,
    native_test_parts,
    the_one_stub,
)
from exercises.loader.files import check_program_module_name, read_required_text
from exercises.loader.specs import ExerciseFormatError, ExerciseSpec, TestFileSpec

DISABLED_LINE = re.compile(r"^[ \t]*@Disabled\b(?:\([^\n]*\))?[ \t]*(?://.*)?\n", re.MULTILINE)
# A JVM and the JUnit launcher take seconds to start on a loaded lab server.
JAVA_TIME_LIMIT_SECONDS = 20.0


def load_exercism_java_exercise(
    folder: Path, slug: str, config_path: Path, files: dict[str, list[str]]
) -> ExerciseSpec:
    stub = the_one_stub(config_path, folder, files)
    module = Path(stub).stem
    check_program_module_name(config_path, module)
    test_paths = [inside_folder(config_path, folder, path) for path in files["test"]]
    # Everything is compiled in one folder: test, editor and student files side by side.
    check_distinct_test_filenames(
        config_path, tuple(Path(path).name for path in [stub, *test_paths, *files["editor"]])
    )
    tests = []
    for path in test_paths:
        source = read_required_text(folder, path)
        if "@Test" not in source:
            raise ExerciseFormatError(folder / path, "defines no tests: no @Test method")
        tests.append(TestFileSpec(Path(path).name, DISABLED_LINE.sub("", source)))
    # files.editor: classes the student reads but does not write (an enum, a record): they are
    # compiled with the tests, beside the student's class.
    given = tuple(
        TestFileSpec(
            Path(path).name, read_required_text(folder, inside_folder(config_path, folder, path))
        )
        for path in files["editor"]
        if path.endswith(".java")
    )
    code = native_test_parts(
        folder,
        config_path,
        files,
        stub=stub,
        tests=tuple(tests),
        language="java",
        support_files=given,
    )
    return exercism_spec(folder, slug, module, code, time_limit_seconds=JAVA_TIME_LIMIT_SECONDS)
