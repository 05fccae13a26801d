"""Exercism's JavaScript (Jest) and Java (JUnit 5 + AssertJ) tracks import as they are: samples
in each track's exact layout (tests/fixtures/exercism_javascript, exercism_java), graded through
the real sandbox: the example passes every test (the xtest/@Disabled ones included), the stub
fails. The track's config.json names the exercise, its level and topic."""

import json
import shutil
from pathlib import Path

import pytest

from exercises.loader import ExerciseFormatError, load_exercise, load_exercises
from exercises.models import Exercise
from exercises.services.grading import run_exercise_tests
from exercises.services.importing import import_exercises_from
from exercises.services.results import StoredResult
from tutor.sandbox.languages.programs import jest_dir

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
JAVASCRIPT_TRACK = FIXTURES / "exercism_javascript"
JAVA_TRACK = FIXTURES / "exercism_java"
needs_jest = pytest.mark.skipif(
    jest_dir() is None, reason="Jest is not installed (npm ci in tutor/sandbox/toolchains/jest)"
)
needs_assertj = pytest.mark.skipif(
    not Path("/usr/share/java/assertj-core.jar").exists(),
    reason="AssertJ is not installed (Debian's libassertj-core-java)",
)


def test_the_javascript_sample_loads_with_every_xtest_enabled() -> None:
    report = load_exercises(JAVASCRIPT_TRACK)
    assert report.errors == []
    [spec] = report.exercises
    assert (spec.slug, spec.language, spec.module) == ("vowel-score", "javascript", "vowel-score")
    # From the track's config.json: name, difficulty 1 (easy), what it practises.
    assert (spec.title, spec.difficulty, spec.topic) == ("Vowel Score", "easy", "For Loops")
    [tests] = spec.visible_tests
    assert tests.filename == "vowel-score.spec.js"
    assert "xtest(" not in tests.code
    assert tests.code.count("test(") == 5
    assert spec.in_process
    assert "throw new Error" in spec.starter_code


def test_the_java_sample_loads_with_every_disabled_test_enabled() -> None:
    report = load_exercises(JAVA_TRACK)
    assert report.errors == []
    [spec] = report.exercises
    assert (spec.slug, spec.language, spec.module) == ("parking-fee", "java", "ParkingFee")
    assert (spec.title, spec.difficulty, spec.topic) == ("Parking Fee", "easy", "Enums")
    [tests] = spec.visible_tests
    assert tests.filename == "ParkingFeeTest.java"
    assert "@Disabled(" not in tests.code
    # files.editor: the enum the student reads, compiled beside their class.
    assert [file.filename for file in spec.support_files] == ["Vehicle.java"]
    assert spec.in_process


def test_several_solution_files_are_refused_with_the_reason(tmp_path: Path) -> None:
    folder = tmp_path / "parking-fee"
    shutil.copytree(JAVA_TRACK / "parking-fee", folder)
    config_path = folder / ".meta" / "config.json"
    config = json.loads(config_path.read_text())
    config["files"]["solution"].append("src/main/java/Vehicle.java")
    config_path.write_text(json.dumps(config))
    with pytest.raises(ExerciseFormatError, match="lists 2 files the student writes"):
        load_exercise(folder)


def test_a_solution_in_an_unknown_language_names_the_tracks_known(tmp_path: Path) -> None:
    folder = tmp_path / "hello"
    (folder / ".meta").mkdir(parents=True)
    (folder / ".meta" / "config.json").write_text(
        json.dumps({"files": {"solution": ["hello.rb"], "test": ["t.rb"], "example": ["e.rb"]}})
    )
    with pytest.raises(ExerciseFormatError, match=r"or JavaScript \(\.js\) file, not 'hello\.rb'"):
        load_exercise(folder)


@pytest.fixture
def track_samples(db: None) -> dict[str, Exercise]:
    import_exercises_from(JAVASCRIPT_TRACK)
    import_exercises_from(JAVA_TRACK)
    return {exercise.slug: exercise for exercise in Exercise.objects.all()}


def _example_passes_and_stub_fails(exercise: Exercise, count: int) -> StoredResult:
    reference = run_exercise_tests(exercise, exercise.solution_code, include_hidden=True)
    starter = run_exercise_tests(exercise, exercise.starter_code, include_hidden=False)
    assert reference["passed"], reference
    assert len(reference["tests"]) == count
    assert all(test["outcome"] == "passed" for test in reference["tests"])
    assert not starter["passed"]
    assert [test["outcome"] for test in starter["tests"]] == ["failed"] * count
    return starter


@needs_jest
def test_the_jest_sample_runs_every_test_through_the_sandbox(
    track_samples: dict[str, Exercise],
) -> None:
    exercise = track_samples["vowel-score"]
    assert exercise.student_filename == "vowel-score.js"
    assert exercise.editor_mode == "javascript"
    starter = _example_passes_and_stub_fails(exercise, 5)
    names = [test["name"] for test in starter["tests"]]
    # Jest's full names: the describe blocks' titles, then the test's.
    assert names[2] == "Vowel Score other letters consonants score two each"
    first = starter["tests"][0]
    assert "Remove this line and implement the function" in first["message"]
    # The line in the student's file the error came from (the stack trace's frame there).
    assert first["line"] == 7
    # Jest's JSON report is read on the host, not shown as the program's output; its readable
    # report is (on stderr).
    assert starter["stdout"] == ""
    assert "Remove this line and implement the function" in starter["stderr"]


@needs_jest
def test_a_wrong_jest_answer_says_what_was_expected(track_samples: dict[str, Exercise]) -> None:
    exercise = track_samples["vowel-score"]
    wrong = exercise.solution_code.replace("total += 2;", "total += 1;")
    result = run_exercise_tests(exercise, wrong, include_hidden=False)
    outcomes = {test["name"]: test for test in result["tests"]}
    failed = outcomes["Vowel Score other letters consonants score two each"]
    assert failed["outcome"] == "failed", result
    assert "Expected: 6" in failed["message"] and "Received: 3" in failed["message"]
    assert outcomes["Vowel Score vowels score one each"]["outcome"] == "passed"


@needs_assertj
def test_the_junit_assertj_sample_runs_every_test_through_the_sandbox(
    track_samples: dict[str, Exercise],
) -> None:
    exercise = track_samples["parking-fee"]
    assert exercise.student_filename == "ParkingFee.java"
    assert exercise.editor_mode == "java"
    starter = _example_passes_and_stub_fails(exercise, 4)
    # @DisplayName's text where there is one, else the method's name.
    assert [test["name"] for test in starter["tests"]] == [
        "A short stop is free",
        "A started hour is charged in full",
        "vansPayMore",
        'A day costs no more than 8 hours ("the cap")',
    ]
    # The exception's frame in the student's class, from the launcher's stack trace.
    assert {test["line"] for test in starter["tests"]} == {4}


@needs_assertj
def test_a_wrong_java_answer_shows_assertj_s_message(track_samples: dict[str, Exercise]) -> None:
    exercise = track_samples["parking-fee"]
    wrong = exercise.solution_code.replace("(minutes + 59) / 60", "minutes / 60")
    result = run_exercise_tests(exercise, wrong, include_hidden=False)
    outcomes = {test["name"]: test for test in result["tests"]}
    failed = outcomes["A started hour is charged in full"]
    assert failed["outcome"] == "failed", result
    assert "3" in failed["message"] and "0" in failed["message"], failed["message"]
    assert outcomes["A short stop is free"]["outcome"] == "passed"
