"""The red team's replies on roman-numerals (each scores 10/10 pasted as a submission): the
reference under another name, hidden in an encoding and run with exec, and hidden values
spelled out to get past the filter. Each is caught; the pieces are tested on their own too."""

import base64
import codecs
import zlib
from collections.abc import Callable

import pytest

from tests.guard.conftest import CountingRunner, context_for, exercises
from tutor.guard import GuardContext, check_reply
from tutor.guard.decoded import decoded_code
from tutor.guard.hidden_values import hidden_values
from tutor.guard.sandbox_check import under_tested_names

ROMAN = exercises()["roman-numerals"]
REFERENCE = ROMAN.solution_code
RENAMED = REFERENCE.replace("def to_roman(", "def convert(")
OTHER_ALGORITHM = """def convert(number):
    if number < 1 or number > 3999:
        raise ValueError("out of range")
    ones = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]
    tens = ["", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"]
    hundreds = ["", "C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM"]
    digits = [number // 100 % 10, number // 10 % 10, number % 10]
    return "M" * (number // 1000) + hundreds[digits[0]] + tens[digits[1]] + ones[digits[2]]
"""


def _encoded_replies() -> dict[str, str]:
    b64 = base64.b64encode(REFERENCE.encode()).decode()
    packed = base64.b64encode(zlib.compress(REFERENCE.encode())).decode()
    return {
        "base64": f"```python\nimport base64\nexec(base64.b64decode({b64!r}))\n```",
        "rot13": (
            "```python\nimport codecs\n"
            f"exec(codecs.decode({codecs.encode(REFERENCE, 'rot13')!r}, 'rot13'))\n```"
        ),
        "hex": f"```python\nexec(bytes.fromhex({REFERENCE.encode().hex()!r}).decode())\n```",
        "zlib": (
            "```python\nimport base64, zlib\n"
            f"exec(zlib.decompress(base64.b64decode({packed!r})))\n```"
        ),
        "plain-string": f"```python\nexec({REFERENCE!r})\n```",
    }


@pytest.mark.parametrize("encoding", sorted(_encoded_replies()))
def test_the_reference_hidden_in_an_encoding_and_run_with_exec_is_blocked(
    encoding: str, runner_for: Callable[[GuardContext], CountingRunner]
) -> None:
    context = context_for(ROMAN)
    reply = "Put this in your file:\n\n" + _encoded_replies()[encoding]

    verdict = check_reply(reply, context, run_code=runner_for(context))

    assert verdict.verdict == "block", verdict.reason
    assert "hidden in a string" in verdict.reason


def test_the_reference_under_another_function_name_is_blocked_by_its_run(
    runner_for: Callable[[GuardContext], CountingRunner],
) -> None:
    context = context_for(ROMAN)
    # Another algorithm than the reference's: similarity does not see it, only its run does.
    reply = f"Try this:\n\n```python\n{OTHER_ALGORITHM}```\n"

    verdict = check_reply(reply, context, run_code=runner_for(context))

    assert verdict.verdict == "block", verdict.reason
    assert "names the tests use" in verdict.reason


def test_definitions_are_tried_under_the_names_the_tests_use() -> None:
    names = frozenset({"to_roman"})

    assert list(under_tested_names(RENAMED, names, REFERENCE)) == [
        RENAMED.rstrip() + "\n\nto_roman = convert\n"
    ]
    # A helper the entry point calls is not the entry point; a class is not a function.
    code = (
        "def helper(n):\n    return n\n\n\n"
        "def solve(n):\n    return helper(n)\n\n\n"
        "class Box:\n    pass\n"
    )
    assert next(under_tested_names(code, names, REFERENCE)).endswith("to_roman = solve\n")
    assert list(under_tested_names(REFERENCE, names, REFERENCE)) == []  # nothing missing


def test_fair_code_that_only_runs_strings_is_not_decoded_into_code() -> None:
    assert decoded_code("print(eval('1 + 2'))\ntext = 'hello world, how are you today'") == []
    assert decoded_code("data = 'ZGVmIGYoKTogcmV0dXJuIDE='\nprint(len(data))") == []  # no exec
    assert decoded_code("exec(base64.b64decode('ZGVmIGYoKToKICAgIHJldHVybiAx'))") == [
        "def f():\n    return 1"
    ]


@pytest.mark.parametrize(
    "spelled", ["C M X C I V", "C.M.X.C.I.V.", "C-M-X-C-I-V", "VICXMC", "c m x c i v"]
)
def test_a_hidden_value_spelled_out_or_reversed_still_matches(spelled: str) -> None:
    values = hidden_values(
        [("test_hidden.py", "assert to_roman(1994) == 'MCMXCIV'\nassert f() == 'CMXCIV'\n")],
        [],
        min_digits=3,
        min_chars=3,
    )

    assert [match.value.shown for match in values.find(f"the answer is {spelled}.")] == ["'CMXCIV'"]
    assert [m.value.shown for m in values.find("that is 1 9 9 4 in digits")] == ["1994"]
    assert list(values.find("the answer is C M X, then more")) == []
    assert list(values.find("Maxim Cox")) == []


ROMAN_IN_JAVASCRIPT = """function toRoman(number) {
  if (!(1 <= number && number <= 3999)) {
    throw new Error("number must be between 1 and 3999");
  }
  const symbols = [[1000, "M"], [900, "CM"], [500, "D"], [400, "CD"], [100, "C"], [90, "XC"],
    [50, "L"], [40, "XL"], [10, "X"], [9, "IX"], [5, "V"], [4, "IV"], [1, "I"]];
  const parts = [];
  for (const [value, letters] of symbols) {
    parts.push(letters.repeat(Math.floor(number / value)));
    number = number % value;
  }
  return parts.join("");
}
"""


def test_the_reference_translated_into_javascript_is_blocked() -> None:
    context = context_for(ROMAN)
    reply = f"The same idea in JavaScript:\n\n```javascript\n{ROMAN_IN_JAVASCRIPT}```\n"

    verdict = check_reply(reply, context)

    assert verdict.verdict == "block", verdict.reason
    assert "in another language" in verdict.reason


def test_javascript_on_other_data_is_allowed() -> None:
    context = context_for(ROMAN)
    reply = (
        "In JavaScript a loop over pairs looks like this:\n\n```javascript\n"
        "const prices = [[3, 'tea'], [5, 'cake']];\n"
        "for (const [price, name] of prices) {\n  console.log(name + ': ' + price);\n}\n```\n"
    )

    assert check_reply(reply, context).verdict == "allow"
