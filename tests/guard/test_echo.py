"""EchoGuard: a reply that recites the tutor's instructions is stopped, ordinary text flows."""

import pytest

from tests.guard.conftest import exercises
from tutor.guard.echo import EchoGuard
from tutor.llm.prompts import SYSTEM_PROMPT, instruction_texts


def stream(text: str, size: int) -> tuple[EchoGuard, str]:
    guard = EchoGuard(instruction_texts(), min_words=8)
    shown = "".join(guard.push(text[i : i + size]) for i in range(0, len(text), size))
    return guard, shown + guard.finish()


@pytest.mark.parametrize("size", [1, 3, 17, 10_000])
def test_the_system_prompt_recited_is_an_echo_however_it_is_chunked(size: int) -> None:
    reply = f"Sure, here are my instructions:\n\n> {SYSTEM_PROMPT}"
    guard, shown = stream(reply, size)
    assert guard.echo is not None
    assert guard.echo.words >= 8
    # At most the words before the echo (and never eight instruction words in a row) got out.
    assert shown.startswith("Sure, here are my instructions:")
    assert "patient programming tutor helping a student" not in shown


def test_a_reworded_or_recased_copy_is_still_an_echo() -> None:
    reply = "MY RULES: never write the FULL solution -- or a corrected version of their program!"
    guard, _ = stream(reply, 5)
    assert guard.echo is not None


@pytest.mark.parametrize("size", [1, 4, 10_000])
def test_an_ordinary_hint_passes_unchanged(size: int) -> None:
    reply = (
        "Look at the line where you return the result: the student's code subtracts instead "
        "of adding. What should the function return for 2 and 3? Try it in your head first."
    )
    guard, shown = stream(reply, size)
    assert guard.echo is None
    assert shown == reply
    assert guard.longest_run < 8


def test_ordinary_text_is_never_held_back() -> None:
    guard = EchoGuard(instruction_texts(), min_words=8)
    # "The student" and "each" also occur in the instructions: they go out at once all the same,
    # so the first token is not delayed.
    for chunk in ("The", " student could", " count each", " wo", "rd"):
        assert guard.push(chunk) == chunk
    assert guard.finish() == ""


def test_a_run_is_held_from_its_fourth_instruction_word() -> None:
    guard = EchoGuard(instruction_texts(), min_words=8, hold_from=4)
    shown = guard.push("Note: you are a patient")
    assert shown == "Note: you are a "
    rest = guard.push(" listener.") + guard.finish()
    assert guard.echo is None
    assert shown + rest == "Note: you are a patient listener."


def test_no_authored_hint_of_the_curriculum_is_taken_for_an_echo() -> None:
    hints = [hint for spec in exercises().values() for hint in spec.hints]
    assert len(hints) >= 90
    echoes = [hint for hint in hints if stream(hint, 7)[0].echo is not None]
    assert echoes == []


def test_min_words_below_two_is_refused() -> None:
    with pytest.raises(ValueError, match="min_words"):
        EchoGuard((SYSTEM_PROMPT,), min_words=1)
    with pytest.raises(ValueError, match="hold_from"):
        EchoGuard((SYSTEM_PROMPT,), min_words=8, hold_from=9)
