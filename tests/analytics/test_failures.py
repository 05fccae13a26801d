"""Naming why a test failed, from what the sandbox harness stores for it."""

import pytest

from tests.analytics.conftest import SYNTAX_TRACEBACK, TYPE_ERROR_TRACEBACK
from tutor.analytics.failures import error_type

LONG_ASSERTION = (
    "Traceback (most recent call last):\n"
    '  File "test_visible.py", line 7, in test_lists\n'
    "    self.assertEqual(dedupe([1, 1]), [1])\n"
    "AssertionError: Lists differ: [1, 1] != [1]\n"
    "\n"
    "First list contains 1 additional elements.\n"
    "First extra element 1:\n"
    "1\n"
)


@pytest.mark.parametrize(
    ("test", "run_status", "expected"),
    [
        ({"outcome": "error", "traceback": TYPE_ERROR_TRACEBACK}, "completed", "TypeError"),
        ({"outcome": "failed", "traceback": LONG_ASSERTION}, "completed", "AssertionError"),
        ({"outcome": "error", "traceback": SYNTAX_TRACEBACK}, "syntax_error", "SyntaxError"),
        # A syntax error's student message names the file, not the exception.
        (
            {"outcome": "error", "message": "adder.py has a syntax error on line 1: oops"},
            "syntax_error",
            "SyntaxError",
        ),
        (
            {"outcome": "error", "traceback": "...\nne 3, in f\nKeyError: 'x'"},
            "completed",
            "KeyError",
        ),
        (
            {"outcome": "error", "message": "json.decoder.JSONDecodeError: Expecting value"},
            "completed",
            "JSONDecodeError",
        ),
        ({"outcome": "error", "message": "RecursionError"}, "completed", "RecursionError"),
        ({"outcome": "error", "message": "stopped: ran past the time limit"}, "timeout", "Timeout"),
        (
            {"outcome": "error", "message": "not run: used more than 128 MB"},
            "memory_limit",
            "Memory limit",
        ),
        (
            {"outcome": "error", "message": "not run: printed too much"},
            "output_limit",
            "Output limit",
        ),
        # A failing `assert x == y` without a message: the harness writes the expression.
        ({"outcome": "failed", "message": "assert add(1, 2) == 3"}, "completed", "AssertionError"),
        (
            {"outcome": "error", "message": "this test needs pytest fixtures"},
            "completed",
            "Other error",
        ),
        ({"outcome": "error", "message": None, "traceback": 7}, "completed", "Other error"),
        # The compiler's complaint quotes the code, which may look like an exception name.
        (
            {
                "outcome": "error",
                "message": "Main.java does not compile on line 3: ';' expected",
                "traceback": "Main.java:3: error: ';' expected\n    int x = 1\n",
            },
            "compile_error",
            "Compile error",
        ),
    ],
)
def test_error_types(test: dict[str, object], run_status: str, expected: str) -> None:
    assert error_type(test, run_status) == expected
