import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from exercises.models import Exercise
from exercises.services.importing import ImportOutcome, import_exercises_from
from tests.conftest import EXERCISM_SAMPLES, FIXTURES

pytestmark = pytest.mark.django_db


def test_imports_the_exercism_samples_with_their_content() -> None:
    report = import_exercises_from(EXERCISM_SAMPLES)

    assert report.errors == []
    assert report.count(ImportOutcome.CREATED) == 3
    hello = Exercise.objects.get(slug="hello-world")
    assert hello.module == "hello_world"
    assert "Hello, World!" in hello.statement_md
    assert [test["filename"] for test in hello.visible_tests] == ["hello_world_test.py"]
    assert hello.hidden_tests == []
    assert "def hello" in hello.solution_code


def test_reimport_updates_in_place_and_never_duplicates(tmp_path: Path) -> None:
    tree = tmp_path / "track"
    shutil.copytree(EXERCISM_SAMPLES, tree)
    import_exercises_from(tree)
    first_ids = dict(Exercise.objects.values_list("slug", "id"))

    unchanged = import_exercises_from(tree)
    (tree / "two-fer" / ".docs" / "instructions.md").write_text("# Two-fer\n\nNew wording.\n")
    changed = import_exercises_from(tree)

    assert unchanged.count(ImportOutcome.UNCHANGED) == 3
    assert changed.outcomes["two-fer"] is ImportOutcome.UPDATED
    assert Exercise.objects.count() == 3
    assert dict(Exercise.objects.values_list("slug", "id")) == first_ids
    assert "New wording." in Exercise.objects.get(slug="two-fer").statement_md


def test_a_malformed_exercise_is_reported_and_nothing_of_it_is_imported(tmp_path: Path) -> None:
    tree = tmp_path / "mixed"
    shutil.copytree(FIXTURES / "native" / "add-two", tree / "add-two")
    broken = tree / "broken-one"
    shutil.copytree(FIXTURES / "native" / "add-two", broken)
    (broken / "solution.py").write_text("def add(a, b)\n    return a + b\n")

    report = import_exercises_from(tree)

    assert list(report.outcomes) == ["add-two"]
    assert len(report.errors) == 1
    assert "solution.py" in str(report.errors[0])
    assert not Exercise.objects.filter(slug="broken-one").exists()


def test_command_reports_counts_and_fails_on_errors(tmp_path: Path, capsys) -> None:
    call_command("import_exercises", str(EXERCISM_SAMPLES))
    assert (
        "3 created, 0 updated, 0 unchanged, 0 copied, 0 refused, 0 with errors"
        in capsys.readouterr().out
    )

    broken = tmp_path / "bad-toml"
    shutil.copytree(FIXTURES / "native" / "add-two", broken)
    (broken / "exercise.toml").write_text('title = "unterminated\n')
    with pytest.raises(CommandError, match="could not be imported"):
        call_command("import_exercises", str(tmp_path))
    assert "exercise.toml" in capsys.readouterr().err


def test_command_refuses_a_path_that_is_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a folder"):
        call_command("import_exercises", str(tmp_path / "missing"))
