"""The line diff between two attempts (tutor/review/diff.py)."""

from tutor.review.diff import DiffRow, diff_code


def test_a_changed_line_is_removed_then_added_with_both_numberings() -> None:
    diff = diff_code("def add(a, b):\n    pass\n", "def add(a, b):\n    return a - b\n")
    assert diff.rows == [
        DiffRow("same", 1, 1, "def add(a, b):"),
        DiffRow("removed", 2, None, "    pass"),
        DiffRow("added", None, 2, "    return a - b"),
    ]
    assert (diff.added, diff.removed) == (1, 1)
    assert not diff.identical


def test_inserted_lines_shift_the_new_numbering_only() -> None:
    old = "def add(a, b):\n    return a + b\n"
    new = "def add(a, b):\n    if a > 1000:\n        return 0\n    return a + b\n"
    diff = diff_code(old, new)
    assert [(row.op, row.old_line, row.new_line) for row in diff.rows] == [
        ("same", 1, 1),
        ("added", None, 2),
        ("added", None, 3),
        ("same", 2, 4),
    ]
    assert (diff.added, diff.removed) == (2, 0)


def test_identical_code_is_no_change() -> None:
    diff = diff_code("x = 1\n", "x = 1")
    assert diff.identical
    assert diff.rows == [DiffRow("same", 1, 1, "x = 1")]


def test_long_unchanged_stretches_fold_but_keep_context_round_changes() -> None:
    old = "\n".join(f"line {n}" for n in range(1, 21))
    new = old.replace("line 10", "line ten")
    diff = diff_code(old, new, context=2)
    ops = [(row.op, row.old_line, row.skipped) for row in diff.rows]
    assert ops == [
        ("skipped", None, 7),
        ("same", 8, 0),
        ("same", 9, 0),
        ("removed", 10, 0),
        ("added", None, 0),
        ("same", 11, 0),
        ("same", 12, 0),
        ("skipped", None, 8),
    ]
    assert len(diff_code(old, new, context=None).rows) == 21


def test_a_fold_of_one_line_shows_the_line_instead() -> None:
    old = "a\nb\nc\nd\ne"
    new = "A\nb\nc\nd\nE"
    rows = diff_code(old, new, context=1).rows
    assert "skipped" not in [row.op for row in rows]
    assert [row.text for row in rows if row.op == "same"] == ["b", "c", "d"]
