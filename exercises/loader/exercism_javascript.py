"""Exercism's JavaScript track: Jest tests in <slug>.spec.js (ES modules, run through Babel by
the Jest installed at setup), the student's <slug>.js, the reference in .meta/proof.ci.js.
Every test runs: `xtest(` (a test the student enables one by one) reads as `test(`. The tests
run in the student's process, so the verdict can be forged: in_process.
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
from exercises.loader.files import SLUG_PATTERN, read_required_text
from exercises.loader.specs import ExerciseFormatError, ExerciseSpec, TestFileSpec
from tutor.sandbox.languages.programs import JEST_SUFFIX

SKIPPED_UNTIL_ENABLED = re.compile(r"\bx(test|it)(?=\s*\()")
# Jest and Babel start in a few seconds on a loaded lab server.
JEST_TIME_LIMIT_SECONDS = 20.0


def load_exercism_javascript_exercise(
    folder: Path, slug: str, config_path: Path, files: dict[str, list[str]]
) -> ExerciseSpec:
    stub = the_one_stub(config_path, folder, files)
    module = Path(stub).name.removesuffix(".js")
    if not SLUG_PATTERN.fullmatch(module):
        raise ExerciseFormatError(
            config_path, f"'{stub}' is not a usable file name: use lowercase letters and hyphens"
        )
    test_paths = [inside_folder(config_path, folder, path) for path in files["test"]]
    check_distinct_test_filenames(config_path, tuple(Path(path).name for path in test_paths))
    tests = []
    for path in test_paths:
        if not path.endswith(JEST_SUFFIX):
            raise ExerciseFormatError(
                config_path, f"'{path}' is not a Jest test file (*{JEST_SUFFIX})"
            )
        source = read_required_text(folder, path)
        tests.append(TestFileSpec(Path(path).name, SKIPPED_UNTIL_ENABLED.sub(r"\1", source)))
    code = native_test_parts(
        folder, config_path, files, stub=stub, tests=tuple(tests), language="javascript"
    )
    return exercism_spec(folder, slug, module, code, time_limit_seconds=JEST_TIME_LIMIT_SECONDS)
