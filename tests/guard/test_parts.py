"""The building blocks, one rule at a time."""

import pytest

from tests.guard.conftest import context_for, exercises
from tutor.guard import GuardContext, check_reply
from tutor.guard.extract import Fence, closes_fence, is_prose_start, looks_like_code, opening_fence
from tutor.guard.hidden_values import hidden_values
from tutor.guard.normalise import normalised_tokens, statement_shapes
from tutor.guard.sandbox_check import defined_names, required_names
from tutor.guard.similarity import build_reference, compare

# --- Normalising --------------------------------------------------------------------------------


def test_renaming_variables_and_changing_literals_gives_the_same_tokens() -> None:
    first = "total = 0\nfor n in numbers:\n    total += n * 2\nprint(len(total), 'done')\n"
    second = 'acc = 5\nfor x in values:  # add them up\n    acc += x * 3\nprint(len(acc), "ok")\n'

    assert normalised_tokens(first) == normalised_tokens(second)
    assert normalised_tokens("pieces.append(char)") == ["ID", ".", "append", "(", "ID", ")"]


def test_docstrings_and_comments_are_not_code() -> None:
    documented = 'def f(x):\n    """Say what f does."""\n    # why\n    return x\n'

    assert normalised_tokens(documented) == normalised_tokens("def f(x):\n    return x\n")


def test_fragments_never_stop_the_lexer() -> None:
    assert normalised_tokens("def f(:\n  y = 'unterminated\n  x = [1,") == [
        "def", "ID", "(", ":", "ID", "=", "STR", "ID", "=", "[", "NUM", ",",
    ]  # fmt: skip


def test_statement_shapes_ignore_order_and_names() -> None:
    first = statement_shapes("a = []\nb, c = t[0], 1\nreturn ''.join(a)\n")
    second = statement_shapes("y, z = s[0], 1\nx = []\nreturn ''.join(x)\n")

    assert first.counts == second.counts
    assert len(first.counts) == 3


def test_fragments_are_shaped_line_by_line_and_sessions_by_their_input() -> None:
    assert (
        statement_shapes("elif x > 3:\n    count += 1\n").counts
        == statement_shapes("if y > 4:\n    total += 2\n").counts
    )
    assert (
        statement_shapes(">>> n = compress('aa')\n'a2'\n").counts
        == statement_shapes("m = compress('bb')").counts
    )


def test_type_hints_do_not_matter() -> None:
    assert (
        statement_shapes("def f(a: int) -> str:\n    b: list[int] = []\n").counts
        == statement_shapes("def g(a):\n    b = []\n").counts
    )


# --- Similarity ---------------------------------------------------------------------------------


def test_what_the_starter_and_the_student_have_is_not_secret() -> None:
    spec = exercises()["run-length"]
    reference = build_reference(spec.solution_code, [spec.starter_code], 5, 12)

    assert compare(spec.starter_code, reference).score == 0
    assert compare(spec.solution_code, reference).score == 1
    assert [unit.name for unit in reference.units] == ["compress()", "expand()"]


def test_a_student_close_to_done_leaves_only_the_rest_secret() -> None:
    spec = exercises()["add-two"]
    reference = build_reference(spec.solution_code, [spec.solution_code], 5, 12)

    assert reference.whole.token_count == 0
    assert compare(spec.solution_code, reference).score == 0


def test_languages_without_a_lexer_are_not_compared_but_hidden_values_are_checked() -> None:
    spec = exercises()["add-two"]
    base = context_for(spec)

    def in_language(language: str) -> GuardContext:
        return GuardContext(
            solution_code=base.solution_code,
            hidden_tests=base.hidden_tests,
            module_name=base.module_name,
            language=language,
        )

    # C, Java and JavaScript are read with Pygments' lexers (issue 16); others not at all.
    assert check_reply(spec.solution_code, in_language("javascript")).verdict == "block"
    assert check_reply(spec.solution_code, in_language("rust")).verdict == "allow"
    assert check_reply("It expects 4142.", in_language("rust")).verdict == "redact"


# --- Hidden values ------------------------------------------------------------------------------

HIDDEN = [
    (
        "test_hidden.py",
        '''\
"""Docstrings are no values."""
from shop import total, label


def test_totals():
    """Nor are test docstrings."""
    assert total([100000, 7]) == 100_007.5
    assert total([2, 3]) == 5
    assert label("Café au lait", cents=275) == "Café au lait: $2.75"
    assert total([-3, -10, 1]) == (-10, 1, -4.0)
    with open("prices.txt", "w", encoding="utf-8") as file:
        file.write("tea")


if __name__ == "__main__":
    test_totals()
''',
    )
]


def test_hidden_values_are_the_specific_literals_of_the_hidden_tests() -> None:
    matcher = hidden_values(HIDDEN, ["Prices are in cents, like 275 for $2.75."], 3, 3)

    assert sorted(value.shown for value in matcher.values) == sorted(
        [
            "100000",
            "100007.5",
            "'Café au lait'",
            "'Café au lait: $2.75'",
            "(-10, 1, -4.0)",
            "[-3, -10, 1]",
            "[100000, 7]",
            "'prices.txt'",
            "'tea'",
        ]
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("It totals 100000.", ["100000"]),
        ("It totals 100,000 or 100_000.", ["100000", "100000"]),
        ("It totals 100 000, 100'000 or 100.000!", ["100000", "100000", "100000"]),
        ("Not 1000000, not 100000.5, not x100000.", []),
        ("The result is 100007.5 exactly", ["100007.5"]),
        ("label('Café au lait')", ["'Café au lait'"]),
        ("label('Café  au\nlait')", ["'Café au lait'"]),
        ("CAFÉ, au lait", ["'Café au lait'"]),
        ("cafe au lait", []),
        ("returns (-10, 1, -4.0)", ["(-10, 1, -4.0)"]),
        ("total([ -3,-10,1 ])", ["[-3, -10, 1]"]),
        ("Use __main__ or utf-8 or 275 as you like.", []),
    ],
)
def test_a_hidden_value_is_found_as_a_whole_in_any_common_spelling(
    text: str, found: list[str]
) -> None:
    matcher = hidden_values(HIDDEN, ["Prices are in cents, like 275 for $2.75."], 3, 3)

    assert [match.value.shown for match in matcher.find(text)] == found


# --- Finding code in prose ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "def add(a, b):",
        "    return a + b",
        "for char in text[1:]:",
        "pieces.append(char)",
        "current, count = text[0], 1",
        'DIGITS = "0123456789"',
        "from collections import Counter",
        ">>> compress('aa')",
    ],
)
def test_lines_that_read_as_python_are_code(line: str) -> None:
    assert looks_like_code(line)


@pytest.mark.parametrize(
    "line",
    [
        "Loop over the numbers, keep a running total, return it.",
        "- if the text is empty return ''",
        "1. Remember the first character.",
        "Run-length encoding: x = 1 is not code here",
        "for each character, add one to the count",
        "## The plan",
    ],
)
def test_prose_lines_are_not_code(line: str) -> None:
    assert not looks_like_code(line)
    assert opening_fence(line) is None


def test_prose_can_be_recognised_from_the_start_of_a_line() -> None:
    assert is_prose_start("Here is")
    assert not is_prose_start("Here")  # "Here = 3" would be code
    assert not is_prose_start("    ")


def test_fences_open_with_or_without_a_language_and_close_with_the_same_kind() -> None:
    assert opening_fence("```python\n") == Fence("`", 3)
    assert opening_fence("  ~~~~\n") == Fence("~", 4)
    assert opening_fence("```a```\n") is None
    assert closes_fence("````\n", Fence("`", 3))
    assert not closes_fence("~~~\n", Fence("`", 3))
    assert not closes_fence("``\n", Fence("`", 3))


# --- What the sandbox is asked ------------------------------------------------------------------


def test_required_names_are_what_the_tests_import_from_the_module() -> None:
    tests = [
        ("test_a.py", "from squeeze import compress, expand\n"),
        ("test_b.py", "import squeeze\n\ndef test():\n    squeeze.helper()\n"),
    ]

    assert required_names(tests, "squeeze") == {"compress", "expand", "helper"}


def test_defined_names_are_the_top_level_definitions() -> None:
    code = "import re\nX, Y = 1, 2\nclass A:\n    def m(self): pass\ndef f():\n    z = 1\n"

    assert defined_names(code) == {"re", "X", "Y", "A", "f"}
    assert defined_names("def broken(:") == frozenset()


def test_an_ellipsis_body_is_a_placeholder_not_a_session_prompt() -> None:
    stub = statement_shapes("def f():\n    ...\n")

    assert len(stub.counts) == 1
    assert stub.counts == statement_shapes("def g(): pass").counts
