"""Failure signatures: the same mistake keys the same answer whatever the names, spacing and
line numbers; answers move their line numbers to the reader's code."""

from typing import Any

from tutor.grounding.signatures import failure_signature, renumbered


def _result(file: str, line: int, *, outcome: str = "failed", **fields: Any) -> dict[str, Any]:
    evidence = {"lines": {file: [[line - 1, 1], [line, 1]]}}
    return {
        "status": "completed",
        "hidden_files": ["test_hidden.py"],
        "tests": [
            {"file": "test_visible.py", "name": "test_b", "outcome": outcome, "evidence": evidence}
            | fields,
            {"file": "test_visible.py", "name": "test_a", "outcome": "passed", "evidence": {}},
            {"file": "test_hidden.py", "name": "test_secret", "outcome": "failed"},
        ],
    }


def test_names_spacing_comments_and_line_numbers_do_not_change_the_key() -> None:
    one = failure_signature(
        _result("adder.py", 2), file="adder.py", source="def add(a, b):\n    return a - b\n"
    )
    other = failure_signature(
        _result("adder.py", 4),
        file="adder.py",
        source="# mine\n\ndef add(x, y):\n    return x-y  # ?\n",
    )
    assert one is not None and other is not None
    assert one.key(7) == other.key(7)
    assert (one.line, other.line) == (2, 4)
    assert other.line_source == "return x-y  # ?"
    assert one.failing_tests == ("test_b",)  # the hidden test takes no part
    assert one.error_type == "AssertionError"
    assert one.key(7) != one.key(8)  # another exercise


def test_another_operator_error_or_failing_test_is_another_signature() -> None:
    source = "def add(a, b):\n    return a - b\n"
    base = failure_signature(_result("adder.py", 2), file="adder.py", source=source)
    times = failure_signature(
        _result("adder.py", 2), file="adder.py", source="def add(a, b):\n    return a * b\n"
    )
    raising = failure_signature(
        _result("adder.py", 2, outcome="error", traceback="TypeError: unsupported operand"),
        file="adder.py",
        source=source,
    )
    assert base is not None and times is not None and raising is not None
    assert raising.error_type == "TypeError"
    assert len({base.key(1), times.key(1), raising.key(1)}) == 3


def test_no_signature_when_only_hidden_tests_fail() -> None:
    result = _result("adder.py", 2)
    result["tests"][0]["outcome"] = "passed"
    assert failure_signature(result, file="adder.py", source="x = 1\ny = 2\n") is None


def test_line_mentions_move_with_the_readers_code() -> None:
    text = "Look at line 4, then lines 6-7 and line 9. Line 4 decides; 4 items stay."
    moved = renumbered(text, written_for_line=4, reader_line=6)
    assert moved == "Look at line 6, then lines 8-9 and line 11. Line 6 decides; 4 items stay."
    assert renumbered(text, written_for_line=None, reader_line=6) == text
    assert renumbered("line 1", written_for_line=5, reader_line=2) == "line 1"  # not below 1
