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


def test_grade_as_student_prints_what_the_workspace_shows(
    add_two: Exercise, tmp_path: Path, capsys
) -> None:
    from exercises.selectors.submissions import redact_result_for_student
    from exercises.services.grading import run_exercise_tests
    from exercises.services.results import storable_result

    code = "def add(a, b):\n    print('looking', a, b)\n    return 0 if a > 1000 else a + b\n"
    path = tmp_path / "adder.py"
    path.write_text(code)
    with pytest.raises(SystemExit):
        call_command("grade", "add-two", str(path), "--hidden", "--json", "--as-student")
    shown = json.loads(capsys.readouterr().out)
    with pytest.raises(SystemExit):
        call_command("grade", "add-two", str(path), "--hidden", "--as-student")
    summary = capsys.readouterr().out

    expected = redact_result_for_student(
        storable_result(run_exercise_tests(add_two, code, include_hidden=True))
    )
    assert expected is not None
    assert [t["name"] for t in shown["tests"]] == [t["name"] for t in expected["tests"]]
    hidden = [t for t in shown["tests"] if t.get("hidden")]
    assert hidden and set(hidden[0]) == {"file", "name", "outcome", "hidden"}
    hidden_source = add_two.hidden_tests[0]["code"]
    assert "4141" in hidden_source and "4141" not in json.dumps(shown) + summary
    assert "(hidden test)" in summary and "hidden_run" not in shown


def test_locate_ranks_the_line_only_the_failing_test_ran(
    add_two: Exercise, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "adder.py"
    path.write_text("def add(a, b):\n    if a > 0:\n        return a - b\n    return a + b\n")

    call_command("locate", "add-two", str(path), "--json")
    ranking = json.loads(capsys.readouterr().out)
    call_command("locate", "add-two", str(path))
    text = capsys.readouterr().out

    assert ranking["failing_tests"] == ["AddTest.test_adds_small_numbers"]
    assert [item["line"] for item in ranking["lines"]] == [3, 2]
    assert ranking["lines"][0]["why"].startswith(
        "run by 1 of 1 failing tests and 0 of 1 passing ones; last line run before returning -1"
    )
    assert ranking["lines"][1]["why"].startswith("decides whether line 3 runs")
    assert "line    3" in text and "return a - b" in text


def test_locate_names_an_unknown_exercise(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No exercise"):
        call_command("locate", "nope", str(tmp_path / "x.py"))
