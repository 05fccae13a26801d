"""A solution is caught however the tests import it and however the reply lays the code out."""

import html
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import pytest

from tests.guard.conftest import CountingRunner, context_for, exercises
from tests.guard.test_streaming import random_chunks, stream
from tutor.guard import GuardContext, check_reply
from tutor.guard.sandbox_check import SolutionCheck, required_names

# Another algorithm than the reference's (bisect): similarity alone lets it through.
BISECT = """import bisect


def find_index(items, target):
    position = bisect.bisect_left(items, target)
    if position != len(items) and items[position] == target:
        return position
    return -1
"""
NAMED_IMPORT = "from searching import find_index"
IMPORT_STYLES = {
    "named": NAMED_IMPORT,
    "star": "from searching import *",
    "module": "import searching\nfind_index = searching.find_index",
    "importlib": 'import importlib\nfind_index = importlib.import_module("searching").find_index',
}


def binary_search(style: str, student_code: str | None = None) -> GuardContext:
    """binary-search with its tests importing the student's module in `style`."""
    context = context_for(exercises()["binary-search"], student_code)

    def restyled(files: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
        restyle = IMPORT_STYLES[style]
        return tuple((name, code.replace(NAMED_IMPORT, restyle)) for name, code in files)

    return replace(
        context,
        visible_tests=restyled(context.visible_tests),
        hidden_tests=restyled(context.hidden_tests),
    )


def lines(code: str) -> list[str]:
    return [line for line in code.rstrip().splitlines() if line.strip()]


SHAPES: dict[str, Callable[[str], str]] = {
    "fence": lambda code: f"Here:\n\n```python\n{code}```\n",
    "indented": lambda code: "Here:\n\n" + "".join(f"    {line}\n" for line in lines(code)),
    "blockquote": lambda code: "Here:\n\n" + "".join(f"> {line}\n" for line in lines(code)),
    "bullets": lambda code: "Here:\n\n" + "".join(f"- {line}\n" for line in lines(code)),
    "numbered": lambda code: (
        "Steps:\n\n" + "".join(f"{n}. {line}\n" for n, line in enumerate(lines(code), 1))
    ),
    "table": lambda code: (
        "| # | Code |\n|---|---|\n"
        + "".join(f"| {n} | {line} |\n" for n, line in enumerate(lines(code), 1))
    ),
    "steps": lambda code: "".join(
        f"Step {n}: type `{line}`\n" for n, line in enumerate(lines(code), 1)
    ),
    "html": lambda code: f"<pre><code>{html.escape(code)}</code></pre>\n",
    "split": lambda code: (
        "First:\n\n```python\n"
        + "\n".join(lines(code)[:5])
        + "\n```\n\nThen, inside it:\n\n"
        + "".join(f"> {line}\n" for line in lines(code)[5:])
    ),
}


@pytest.mark.parametrize("style", IMPORT_STYLES)
@pytest.mark.parametrize("shape", SHAPES)
def test_another_algorithm_is_run_and_blocked_in_every_shape_and_import_style(
    shape: str, style: str, runner_for: Callable[[GuardContext], CountingRunner]
) -> None:
    context = binary_search(style)
    reply = SHAPES[shape](BISECT)

    verdict = check_reply(reply, context, run_code=runner_for(context))

    assert verdict.verdict == "block", verdict.reason
    assert "passes the exercise's tests" in verdict.reason


# Not "split": its first block, complete but failing on its own, is shown before the second
# block turns the reply into a solution; the block message then replaces the whole reply.
@pytest.mark.parametrize("shape", ["blockquote", "bullets", "numbered", "table", "html"])
def test_code_in_a_container_is_held_back_while_it_streams(
    shape: str, runner_for: Callable[[GuardContext], CountingRunner]
) -> None:
    context = binary_search("star")
    runner = runner_for(context)
    reply = "Sure, here it is.\n\n" + SHAPES[shape](BISECT) + "\nGood luck!\n"

    released, final = stream(random_chunks(reply, seed=7), context, runner)

    assert final.verdict.verdict == "block"
    assert "bisect_left" not in "".join(released)


def test_the_students_own_code_quoted_back_with_line_numbers_is_allowed(
    runner_for: Callable[[GuardContext], CountingRunner],
) -> None:
    own = BISECT.replace("position != len(items)", "position <= len(items)")  # a bug
    context = binary_search("star", student_code=own)
    numbered = "\n".join(f"{n:>2} | {line}" for n, line in enumerate(own.splitlines(), 1))
    listed = "\n".join(f"{n}. {line}" for n, line in enumerate(lines(own), 1))
    runner = runner_for(context)

    for reply in (
        f"Your code:\n\n```python\n{numbered}\n```\n\nLook at line 6.",
        f"Your code:\n\n{listed}\n\nLook at step 6.",
    ):
        verdict = check_reply(reply, context, run_code=runner)
        assert verdict.verdict == "allow", verdict.reason


def test_plain_words_steps_are_prose(runner_for: Callable[[GuardContext], CountingRunner]) -> None:
    context = binary_search("star")
    reply = (
        "1. Set low to 0 and high to the last index.\n"
        "2. while low is not past high, look at the middle element\n"
        "3. return the middle index when it holds the target\n"
        "- otherwise keep the half where the target can still be\n"
        "> and give back -1 when the range is empty\n"
    )

    verdict = check_reply(reply, context, run_code=runner_for(context))

    assert verdict.verdict == "allow"
    assert verdict.redacted_text == reply


# --- What the tests take from the module ----------------------------------------------------


def test_required_names_follow_every_way_of_importing_the_module() -> None:
    solution = "import re\n\nLIMIT = 3\n\ndef compress(t):\n    pass\n\ndef expand(c):\n    pass\n"
    styles = {
        "star": "from squeeze import *\n\ndef test():\n    assert expand(compress('a'))\n",
        "module": "import squeeze as sq\n\ndef test():\n    sq.compress('a')\n    sq.expand('')\n",
        "importlib": (
            "import importlib\nmod = importlib.import_module('squeeze')\n"
            "def test():\n    mod.compress('a')\n    getattr(mod, 'expand')('a1')\n"
        ),
    }

    for tests in styles.values():
        assert required_names([("test_x.py", tests)], "squeeze", solution) == {
            "compress",
            "expand",
        }


def test_a_helper_module_between_the_tests_and_the_student_is_followed() -> None:
    files = [
        ("helpers.py", "from squeeze import *\n"),
        ("test_x.py", "from helpers import *\n\ndef test():\n    compress('a')\n"),
    ]

    assert required_names(files, "squeeze", "def compress(t):\n    pass\n") == {"compress"}


def test_a_local_variable_named_like_the_module_adds_no_names() -> None:
    tests = (
        "from matrix import Matrix\n\n"
        "def test_row():\n    matrix = Matrix('1 2')\n    assert matrix.row(1) == [1, 2]\n"
        "    assert matrix.column(1) == [1]\n"
    )
    solution = "class Matrix:\n    def row(self, i): ...\n    def column(self, i): ...\n"

    assert required_names([("test_m.py", tests)], "matrix", solution) == {"Matrix"}
    assert required_names([("test_m.py", tests)], "matrix") == {"Matrix"}


# --- What one reply may cost ----------------------------------------------------------------


class SlowRunner:
    """A fake sandbox: every run takes `seconds` and fails, and says what it was given."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.limits: list[float | None] = []

    def __call__(self, code: str, seconds: float | None = None) -> bool:
        self.limits.append(seconds)
        time.sleep(self.seconds)
        return False


def test_a_reply_gets_a_bounded_number_of_runs_within_its_time_budget() -> None:
    runner = SlowRunner(0.01)
    check = SolutionCheck(runner, frozenset({"f"}), "", max_runs=3, seconds_per_reply=1.0)

    for n in range(10):
        check.passing_file(f"def f(x):\n    return x + {n}\n", only_public=False)

    assert check.runs == 3
    assert all(limit is not None and limit <= 0.5 for limit in runner.limits)


def test_no_run_starts_once_the_time_budget_is_spent() -> None:
    runner = SlowRunner(0.3)
    check = SolutionCheck(runner, frozenset({"f"}), "", max_runs=10, seconds_per_reply=0.7)

    for n in range(5):
        check.passing_file(f"def f(x):\n    return x + {n}\n", only_public=False)

    assert check.runs == 2  # 0.4 s left after the first, under 0.2 s after the second
    assert runner.limits[0] == 0.5  # the most one run gets
    assert runner.limits[1] is not None and runner.limits[1] <= 0.4


def test_the_same_code_is_run_once_per_reply() -> None:
    runner = SlowRunner(0)
    check = SolutionCheck(runner, frozenset({"f"}), "")

    for _ in range(3):
        check.passing_file("def f(x):\n    return x\n", only_public=False)

    assert check.runs == 1


def test_a_function_body_alone_is_tried_inside_the_students_function(
    runner_for: Callable[[GuardContext], CountingRunner],
) -> None:
    context = binary_search("star")  # the student still has the starter: `return -1`
    body = (
        "    low, high = 0, len(items) - 1\n"
        "    while low <= high:\n"
        "        middle = (low + high) // 2\n"
        "        if items[middle] < target:\n"
        "            low = middle + 1\n"
        "        elif items[middle] > target:\n"
        "            high = middle - 1\n"
        "        else:\n"
        "            return middle\n"
        "    return -1\n"
    )
    reply = f"Replace the body of your function with:\n\n```python\n{body}```\n"

    verdict = check_reply(reply, context, run_code=runner_for(context))

    assert verdict.verdict == "block"
    assert "as the body of the student's function" in verdict.reason


def test_a_fragment_of_a_body_is_not_run_inside_the_students_function() -> None:
    runner = SlowRunner(0)
    check = SolutionCheck(runner, frozenset({"f"}), "def f(x):\n    pass\n")

    check.passing_file("    total += x\n", only_public=False)

    assert check.runs == 0


# --- Hidden values, however they are spelled ------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        "P.D.J.F.D.P.",
        "P. D. J. F. D. P.",
        "p.d.j.f.d.p.",
        "P D J F D P",
        "“pablo Diego JOSÉ francisco de paula”",
    ],
)
def test_a_hidden_value_is_redacted_whatever_its_case_spacing_and_punctuation(
    spelling: str,
) -> None:
    context = context_for(exercises()["name-initials"])
    reply = f"The hidden test checks that you get {spelling} for the long name."

    verdict = check_reply(reply, context)

    assert verdict.verdict == "redact", verdict.reason
    assert spelling.strip("“”") not in verdict.redacted_text
