import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from exercises.models import Exercise
from tests.conftest import EXERCISM_SAMPLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", ["hello-world", "two-fer", "matrix"])
def test_grade_passes_each_example_and_fails_each_stub(
    slug: str, exercism_exercises: dict[str, Exercise], capsys
) -> None:
    exercise = exercism_exercises[slug]
    folder = EXERCISM_SAMPLES / slug

    call_command("grade", slug, str(folder / ".meta" / "example.py"), "--json")
    passing = json.loads(capsys.readouterr().out)
    with pytest.raises(SystemExit) as stub_exit:
        call_command("grade", slug, str(folder / exercise.student_filename), "--json")
    failing = json.loads(capsys.readouterr().out)

    assert passing["passed"] is True
    assert passing["tests"] and all(t["outcome"] == "passed" for t in passing["tests"])
    assert stub_exit.value.code == 1
    assert failing["passed"] is False


def test_grade_prints_a_readable_summary(exercism_exercises: dict[str, Exercise], capsys) -> None:
    call_command("grade", "two-fer", str(EXERCISM_SAMPLES / "two-fer" / ".meta" / "example.py"))
    out = capsys.readouterr().out
    assert "PASSED: 3/3 tests passed" in out
    assert "PASS   TwoFerTest.test_a_name_given" in out


def test_grade_names_an_unknown_exercise(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No exercise with slug 'nope'"):
        call_command("grade", "nope", str(tmp_path / "x.py"))


def test_setup_demo_is_idempotent_and_prints_the_same_logins(db: None, capsys) -> None:
    call_command("setup_demo")
    first = capsys.readouterr().out
    call_command("setup_demo")
    second = capsys.readouterr().out
    assert first == second
    assert "username: teacher" in first and "username: student" in first
