"""The same replies streamed in small chunks: same verdicts, and nothing leaks meanwhile."""

import random
from collections.abc import Callable

import pytest

from tests.guard.cases import CASES, Case, fenced, solution
from tests.guard.conftest import CountingRunner, context_for, exercises
from tutor.guard import FinalVerdict, GuardContext, RunCode, StreamGuard, check_reply


def random_chunks(text: str, seed: int, smallest: int = 3, largest: int = 20) -> list[str]:
    rng = random.Random(seed)
    chunks = []
    position = 0
    while position < len(text):
        size = rng.randint(smallest, largest)
        chunks.append(text[position : position + size])
        position += size
    return chunks


def stream(
    chunks: list[str], context: GuardContext, run_code: RunCode | None = None
) -> tuple[list[str], FinalVerdict]:
    guard = StreamGuard(context, run_code=run_code)
    released = [guard.push(chunk) for chunk in chunks]
    return released, guard.finish()


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_streamed_reply_gets_the_same_verdict_and_leaks_nothing_before_it(
    case: Case, seed: int, runner_for: Callable[[GuardContext], CountingRunner]
) -> None:
    context = context_for(exercises()[case.slug], case.student_code)
    runner = runner_for(context)
    whole = check_reply(case.reply, context, run_code=runner)

    released, final = stream(random_chunks(case.reply, seed), context, runner)

    assert final.verdict.verdict == whole.verdict == case.verdict
    assert final.verdict.redacted_text == whole.redacted_text
    shown_before_the_verdict = "".join(released)
    for secret in case.secrets:
        assert secret not in shown_before_the_verdict
    if case.verdict == "block":
        assert final.rest == ""
    else:
        assert shown_before_the_verdict + final.rest == whole.redacted_text


@pytest.mark.parametrize("case_id", ["run-length/one-function", "add-two/hidden-value"])
def test_one_character_at_a_time_is_no_different(case_id: str) -> None:
    case = next(c for c in CASES if c.id == case_id)
    context = context_for(exercises()[case.slug])

    released, final = stream(list(case.reply), context)

    assert "".join(released) + final.rest == check_reply(case.reply, context).redacted_text


def test_a_hidden_value_split_across_chunks_is_caught_before_any_of_it_is_released() -> None:
    context = context_for(exercises()["add-two"])
    guard = StreamGuard(context)

    first = guard.push("So the hidden test really expects 41")
    second = guard.push("42 and nothing else, whatever the inputs are.")
    final = guard.finish()

    assert "41" not in first
    assert "4142" not in first + second + final.rest
    assert final.verdict.verdict == "redact"


def test_a_longer_number_is_not_a_hidden_value_even_when_it_arrives_in_pieces() -> None:
    context = context_for(exercises()["add-two"])

    released, final = stream(list("Try 41420 or 4142.5 or x4142 for fun."), context)

    assert final.verdict.verdict == "allow"
    assert "".join(released) + final.rest == "Try 41420 or 4142.5 or x4142 for fun."


def test_prose_is_released_at_once_except_the_last_few_characters() -> None:
    context = context_for(exercises()["run-length"])
    prose = (
        "Run-length encoding walks through the text while remembering the current character "
        "and how many times in a row it has appeared. When the character changes, the run so "
        "far is written down and a new one starts. Think about what is left when the loop ends."
    )
    guard = StreamGuard(context)

    released = "".join(guard.push(chunk) for chunk in random_chunks(prose, seed=7, largest=30))

    assert prose.startswith(released)
    assert len(prose) - len(released) <= 64
    assert released + guard.finish().rest == prose


def test_a_code_block_is_held_back_until_its_fence_closes() -> None:
    context = context_for(exercises()["run-length"])
    guard = StreamGuard(context)

    before = guard.push("Here is the idea on dice rolls:\n\n```python\nstreaks = []\n")
    during = guard.push("for roll in [3, 3, 5]:\n    streaks.append(roll)\n")
    after = guard.push("```\n\nThat is all.\n\nBye")

    assert "streaks" not in before + during
    assert "streaks = []" in after
    assert guard.finish().verdict.verdict == "allow"


def test_after_a_block_nothing_more_is_released() -> None:
    context = context_for(exercises()["balanced-brackets"])
    guard = StreamGuard(context)
    reply = "Here you go:\n\n" + fenced(solution("balanced-brackets")) + "\n\nGood luck!\n"

    released = [guard.push(chunk) for chunk in random_chunks(reply, seed=5)]
    blocked_at = next(i for i, _ in enumerate(released) if guard.blocked)
    later = [guard.push(" More harmless prose.") for _ in range(3)]
    final = guard.finish()

    assert guard.blocked and blocked_at < len(released)
    assert later == ["", "", ""]
    assert "stack" not in "".join(released)
    assert final.rest == ""
    assert final.verdict.verdict == "block"


def test_unfenced_code_is_held_back_and_judged_too() -> None:
    context = context_for(exercises()["balanced-brackets"])
    reply = "Sure.\n\n" + solution("balanced-brackets") + "\nThat is the whole thing.\n"

    released, final = stream(random_chunks(reply, seed=11), context)

    assert final.verdict.verdict == "block"
    assert "stack.append(char)" not in "".join(released)


def test_pushing_after_finish_is_a_mistake() -> None:
    guard = StreamGuard(context_for(exercises()["add-two"]))
    guard.finish()

    with pytest.raises(RuntimeError):
        guard.push("more")
    with pytest.raises(RuntimeError):
        guard.finish()


def stream_lines(
    text: str, context: GuardContext, run_code: RunCode | None
) -> tuple[str, FinalVerdict]:
    guard = StreamGuard(context, run_code=run_code)
    released = "".join(guard.push(line) for line in text.splitlines(keepends=True))
    return released, guard.finish()


def test_a_function_cut_halfway_is_held_back_until_the_block_that_completes_it_is_judged(
    runner_for: Callable[[GuardContext], CountingRunner],
) -> None:
    context = context_for(exercises()["remove-duplicates"])
    reply = (
        "Start like this:\n\n```python\ndef remove_duplicates(items):\n    first_seen = {}\n"
        "    for position, item in enumerate(items):\n```\n\nThen carry on inside it:\n\n"
        ">         first_seen.setdefault(item, position)\n"
        ">     return sorted(first_seen, key=first_seen.get)\n\nRun the tests again.\n"
    )

    released, final = stream_lines(reply, context, runner_for(context))

    assert final.verdict.verdict == "block"
    assert final.verdict.reason == (
        "code block 2 passes the exercise's tests joined with the code just before it"
    )
    assert released == "Start like this:\n\n"


def test_a_cut_function_completed_into_no_solution_is_shown_when_the_reply_ends(
    runner_for: Callable[[GuardContext], CountingRunner],
) -> None:
    context = context_for(exercises()["remove-duplicates"])
    reply = (
        "Start like this:\n\n```python\ndef remove_duplicates(items):\n    result = []\n"
        "    for item in items:\n```\n\nand inside the loop:\n\n"
        ">         pass  # decide here whether item goes into result\n"
        ">     return result\n\nWhat goes in place of `pass`? Think about it before you "
        "type anything, and run the visible tests after each change you make.\n"
    )

    released, final = stream_lines(reply, context, runner_for(context))

    assert final.verdict.verdict == "allow"
    assert released == "Start like this:\n\n"
    assert released + final.rest == reply


def test_a_complete_function_that_a_later_block_makes_a_solution_is_never_shown(
    runner_for: Callable[[GuardContext], CountingRunner],
) -> None:
    """Valid alone and failing alone (no return), then completed by one line."""
    context = context_for(exercises()["remove-duplicates"])
    reply = (
        "Here is most of it:\n\n```python\ndef remove_duplicates(items):\n    first = {}\n"
        "    for item in items:\n        first.setdefault(item, len(first))\n"
        "    ordered = sorted(first, key=first.get)\n```\n\n"
        "and finally:\n\n```python\n    return ordered\n```\n"
    )

    released, final = stream_lines(reply, context, runner_for(context))

    assert final.verdict.verdict == "block"
    assert "setdefault" not in released
    assert released == "Here is most of it:\n\n"


def test_the_students_own_unfinished_function_quoted_back_is_not_held(
    runner_for: Callable[[GuardContext], CountingRunner],
) -> None:
    own = "def remove_duplicates(items):\n    result = []\n    for item in items\n"
    context = context_for(exercises()["remove-duplicates"], own)
    reply = (
        f"Your code:\n\n```python\n{own}```\n\nLine 3 needs a colon at its end. Add it and "
        "run the tests again: what do they say now?\n"
    )

    released, final = stream_lines(reply, context, runner_for(context))

    assert final.verdict.verdict == "allow"
    assert own in released
    assert released + final.rest == reply


def test_a_split_inside_a_line_continued_with_a_backslash_is_joined_and_run(
    runner_for: Callable[[GuardContext], CountingRunner],
) -> None:
    context = context_for(exercises()["tick-tock-boom"])
    reply = (
        "Start with:\n\n```python\ndef tick_tock_boom(limit):\n    result = []\n"
        "    for n in range(1, limit + 1):\n"
        '        word = ("Tick" if n % 3 == 0 else "") + ("Tock" if n % 5 == 0 else "") \\\n'
        "```\n\nThen go on inside it:\n\n"
        '>             + ("Boom" if n % 7 == 0 else "")\n'
        ">         result.append(word if word else str(n))\n>     return result\n"
    )

    released, final = stream_lines(reply, context, runner_for(context))

    assert final.verdict.verdict == "block"
    assert final.verdict.reason == (
        "code block 2 passes the exercise's tests joined with the code just before it"
    )
    assert released == "Start with:\n\n"
