"""The bundled curriculum is sound: every reference solution passes, every starter fails."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from exercises.loader import load_exercises
from exercises.models import Exercise
from exercises.services.grading import run_exercise_tests
from exercises.services.importing import import_exercises_from
from tests.conftest import EXERCISM_SAMPLES

EXERCISM_C_SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "exercism_c"

CURRICULUM = Path(__file__).resolve().parents[2] / "exercises" / "curriculum"
SPECS = load_exercises(CURRICULUM)


def test_the_curriculum_loads_without_errors_and_is_big_enough() -> None:
    assert SPECS.errors == []
    assert len(SPECS.exercises) >= 30
    assert len({spec.topic for spec in SPECS.exercises}) >= 6
    assert all(2 <= len(spec.hints) <= 3 for spec in SPECS.exercises)
    assert all(spec.hidden_tests for spec in SPECS.exercises)


@pytest.fixture(scope="module")
def curriculum(django_db_setup, django_db_blocker) -> Iterator[dict[str, Exercise]]:
    with django_db_blocker.unblock():
        import_exercises_from(CURRICULUM)
        yield {exercise.slug: exercise for exercise in Exercise.objects.all()}
        Exercise.objects.all().delete()


def test_each_language_has_its_own_exercises() -> None:
    counts = {
        language: sum(spec.language == language for spec in SPECS.exercises)
        for language in ("c", "java", "javascript")
    }
    assert all(count >= 8 for count in counts.values()), counts
    others = [spec for spec in SPECS.exercises if spec.language != "python"]
    # Input/output cases: the host compares, so none of them can forge its verdict.
    assert all(not spec.in_process for spec in others)
    assert all(test.filename.endswith(".toml") for spec in others for test in spec.hidden_tests)


@pytest.mark.parametrize(
    "slug",
    [
        # javac and the JVM take seconds per run on a loaded machine.
        pytest.param(spec.slug, marks=pytest.mark.slow) if spec.language == "java" else spec.slug
        for spec in SPECS.exercises
    ],
)
def test_reference_passes_every_test_and_starter_fails_one(
    slug: str, curriculum: dict[str, Exercise]
) -> None:
    exercise = curriculum[slug]
    reference = run_exercise_tests(exercise, exercise.solution_code, include_hidden=True)
    starter = run_exercise_tests(exercise, exercise.starter_code, include_hidden=False)

    failures = [t["name"] for t in reference["tests"] if t["outcome"] != "passed"]
    assert reference["passed"], f"reference solution fails {failures}: {reference['message']}"
    assert not starter["passed"], "the starter code already passes every visible test"


@pytest.fixture(scope="module")
def exercism_samples(django_db_setup, django_db_blocker) -> Iterator[list[Exercise]]:
    with django_db_blocker.unblock():
        import_exercises_from(EXERCISM_SAMPLES)
        yield list(Exercise.objects.filter(source_format="exercism"))
        Exercise.objects.all().delete()


def test_the_exercism_samples_grade_through_the_sandbox(exercism_samples: list[Exercise]) -> None:
    assert len(exercism_samples) == 3
    for exercise in exercism_samples:
        reference = run_exercise_tests(exercise, exercise.solution_code, include_hidden=True)
        starter = run_exercise_tests(exercise, exercise.starter_code, include_hidden=False)
        assert reference["passed"], (exercise.slug, reference["message"])
        assert not starter["passed"], exercise.slug


@pytest.fixture(scope="module")
def exercism_c_samples(django_db_setup, django_db_blocker) -> Iterator[list[Exercise]]:
    with django_db_blocker.unblock():
        import_exercises_from(EXERCISM_C_SAMPLES)
        yield list(Exercise.objects.filter(source_format="exercism", language="c99"))
        Exercise.objects.all().delete()


def test_the_exercism_c_samples_run_every_test_through_the_sandbox(
    exercism_c_samples: list[Exercise],
) -> None:
    """Unity tests, TEST_IGNORE() lines dropped at import: the example passes all of them (none
    skipped), the stub fails; the tests share the student's process, so the verdict is marked
    forgeable."""
    assert sorted(exercise.slug for exercise in exercism_c_samples) == [
        "digit-reverse",
        "fahrenheit",
        "vowel-count",
    ]
    for exercise in exercism_c_samples:
        assert exercise.in_process
        assert exercise.student_filename == f"{exercise.module}.c"
        assert all("TEST_IGNORE();" not in test["code"] for test in exercise.visible_tests)
        reference = run_exercise_tests(exercise, exercise.solution_code, include_hidden=True)
        starter = run_exercise_tests(exercise, exercise.starter_code, include_hidden=False)
        assert reference["passed"], (exercise.slug, reference["message"])
        assert len(reference["tests"]) >= 3
        assert all(test["outcome"] == "passed" for test in reference["tests"])
        assert not starter["passed"], exercise.slug
        assert any(test["outcome"] == "failed" for test in starter["tests"])
