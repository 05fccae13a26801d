"""The evidence in words: the prompt's section and the hint written by code, from real runs."""

import os

import pytest

from tests import sandbox_uids
from tutor.grounding.summary import evidence_section, grounded_hint
from tutor.sandbox import SandboxConfig, SourceFile, run_tests

LAST = "def last(items):\n    index = len(items)\n    return items[index]\n"
LAST_TESTS = (
    "from solution import last\n\n\ndef test_last_of_three():\n    assert last([4, 5, 6]) == 6\n"
)
COUNT = (
    "def count_vowels(text):\n"
    "    count = 0\n"
    "    for i in range(1, len(text)):\n"
    '        if text[i] in "aeiou":\n'
    "            count += 1\n"
    "    return count\n"
)
COUNT_TESTS = (
    "from solution import count_vowels\n\n\n"
    'def test_hello():\n    assert count_vowels("hello") == 2\n\n\n'
    'def test_apple():\n    assert count_vowels("apple") == 2\n'
)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    lock_dir = tmp_path_factory.mktemp("summary-locks")
    os.chmod(lock_dir, 0o700)
    config = SandboxConfig(slots=1, lock_dir=str(lock_dir), first_uid=sandbox_uids.GROUNDING)

    def grade(code: str, tests: str) -> dict:
        result = run_tests(
            "python",
            [SourceFile("solution.py", code)],
            [SourceFile("test_solution.py", tests)],
            unsafe=False,
            config=config,
            evidence=True,
        )
        return result.to_dict()

    return grade


def test_an_exception_is_traced_to_its_line_with_the_values_there(run) -> None:
    result = run(LAST, LAST_TESTS)

    hint = grounded_hint(result, file="solution.py", source=LAST)
    assert hint == (
        "Look at line 3 (`return items[index]`). In the test test_last_of_three, "
        "last([4, 5, 6]) stopped on this line with IndexError: list index out of range. "
        "Just before, the variables were: items=[4, 5, 6], index=3. "
        "Which of those values is not what you expected there?"
    )
    section = evidence_section(result, file="solution.py", source=LAST)
    assert "call: last([4, 5, 6])" in section
    assert "the exception came from line 3" in section
    top = "- line 3: return items[index]  (IndexError: list index out of range was raised"
    assert top in section


def test_a_loop_line_is_named_with_how_often_it_ran(run) -> None:
    result = run(COUNT, COUNT_TESTS)

    hint = grounded_hint(result, file="solution.py", source=COUNT)
    assert hint is not None
    # The top line is a fact of the run: the loop header ran 5 times for "apple".
    assert hint.startswith("Look at line ")
    assert "count_vowels('apple') returned 1 but 2 was expected" in hint
    section = evidence_section(result, file="solution.py", source=COUNT)
    assert "Failing test: test_apple (failed)" in section
    assert "Trace of test_apple" in section
    assert "hello" not in section.split("Most suspicious")[0]  # the passing test is no failure


def test_no_evidence_no_section_and_no_hint() -> None:
    result = {"tests": [{"name": "t", "outcome": "failed", "actual": "1", "expected": "2"}]}
    assert evidence_section(result, file="solution.py", source="x = 1\n") == ""
    assert grounded_hint(result, file="solution.py", source="x = 1\n") is None


def test_the_level_2_hint_says_why_its_line_is_the_likeliest(run) -> None:
    result = run(COUNT, COUNT_TESTS)

    hint = grounded_hint(result, file="solution.py", source=COUNT)
    assert hint is not None
    assert "Why this line: " in hint
    assert "failing tests" in hint.split("Why this line: ")[1]


def test_a_file_that_does_not_compile_gets_its_slip_named() -> None:
    source = "def count(items):\n    n = 0\n    for item in items:\n        n++\n    return n\n"
    result = {"tests": [{"name": "t", "outcome": "error", "message": "SyntaxError"}]}

    hint = grounded_hint(result, file="solution.py", source=source)
    assert hint == (
        "Look at line 4 (`n++`): Python stops here: invalid syntax. "
        "What did you mean to write there?"
    )
    section = evidence_section(result, file="solution.py", source=source)
    assert section.startswith("The file does not compile: line 4: n++")


def test_a_hidden_line_outside_the_file_is_not_shown() -> None:
    result = {"tests": [{"name": "h", "outcome": "failed", "hidden": True}], "hidden_line": 99}
    assert grounded_hint(result, file="solution.py", source="x = 1\n") is None
    assert evidence_section(result, file="solution.py", source="x = 1\n") == ""
