import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from exercises.models import Exercise

pytestmark = pytest.mark.django_db


def judge(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> dict:
    reply = tmp_path / "reply.md"
    reply.write_text(text)
    call_command("guard", "add-two", str(reply), "--json")
    return json.loads(capsys.readouterr().out)


def test_a_different_algorithm_that_passes_the_tests_is_blocked(
    add_two: Exercise, tmp_path: Path, capsys
) -> None:
    text = "Try this:\n\n```python\ndef add(a, b):\n    return sum([a, b])\n```\n"
    verdict = judge(tmp_path, text, capsys)
    assert verdict["verdict"] == "block"
    assert "pass" in verdict["reason"]


def test_prose_pseudo_code_is_allowed(add_two: Exercise, tmp_path: Path, capsys) -> None:
    text = "Think about which operator combines two numbers, then give the result back.\n"
    assert judge(tmp_path, text, capsys)["verdict"] == "allow"


def test_a_hidden_expected_value_is_redacted(add_two: Exercise, tmp_path: Path, capsys) -> None:
    verdict = judge(tmp_path, "Your add(4141, 1) should give 4142.\n", capsys)
    assert verdict["verdict"] == "redact"
    assert "4142" not in verdict["redacted_text"]


def test_the_readable_output_shows_what_the_student_would_see(
    add_two: Exercise, tmp_path: Path, capsys
) -> None:
    reply = tmp_path / "reply.md"
    reply.write_text("```python\ndef add(a, b):\n    return a + b\n```\n")
    call_command("guard", "add-two", str(reply))
    out = capsys.readouterr().out
    assert out.startswith("BLOCK: ")
    assert "What the student would see:" in out and "return a + b" not in out.split("see:")[1]


def test_unknown_exercise_and_unreadable_file_give_clear_errors(
    add_two: Exercise, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="No exercise with slug 'nope'"):
        call_command("guard", "nope", str(tmp_path / "x.md"))
    with pytest.raises(CommandError, match="cannot read it"):
        call_command("guard", "add-two", str(tmp_path / "missing.md"))


def test_a_reply_reciting_the_tutors_instructions_is_blocked(
    add_two: Exercise, tmp_path: Path, capsys
) -> None:
    from tutor.llm.prompts import SYSTEM_PROMPT

    verdict = judge(tmp_path, f"Here you go:\n\n{SYSTEM_PROMPT}\n", capsys)
    assert verdict["verdict"] == "block"
    assert verdict["findings"][0]["kind"] == "prompt_echo"
    assert "patient programming tutor" not in verdict["redacted_text"]
