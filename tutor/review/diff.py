"""A line diff between two attempts at an exercise, shaped for a server-rendered table.

Plain difflib: student code is short, and the stdlib keeps the server free of a diff library.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from tutor.review.models import code_lines

Op = Literal["same", "removed", "added", "skipped"]
# Unchanged lines shown around each change; longer unchanged stretches fold into one row.
CONTEXT_LINES = 3


@dataclass(frozen=True)
class DiffRow:
    op: Op
    old_line: int | None  # number in the older attempt; None for an added line
    new_line: int | None  # number in the newer attempt; None for a removed line
    text: str  # for "skipped": empty, and `skipped` says how many lines were folded
    skipped: int = 0


@dataclass(frozen=True)
class AttemptDiff:
    rows: list[DiffRow]
    added: int
    removed: int

    @property
    def identical(self) -> bool:
        return self.added == 0 and self.removed == 0


def diff_code(old: str, new: str, *, context: int | None = CONTEXT_LINES) -> AttemptDiff:
    """Rows from `old` to `new`; with `context`, unchanged stretches keep only that many lines
    next to each change (None keeps every line)."""
    old_lines, new_lines = code_lines(old), code_lines(new)
    # autojunk off: it treats frequent lines (blank ones) as noise once code passes 200 lines.
    matcher = SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [
                DiffRow("same", i1 + k + 1, j1 + k + 1, old_lines[i1 + k]) for k in range(i2 - i1)
            ]
            continue
        # A replaced block reads best as all its old lines, then all its new ones.
        rows += [DiffRow("removed", i + 1, None, old_lines[i]) for i in range(i1, i2)]
        rows += [DiffRow("added", None, j + 1, new_lines[j]) for j in range(j1, j2)]
    added = sum(1 for row in rows if row.op == "added")
    removed = sum(1 for row in rows if row.op == "removed")
    if context is not None:
        rows = _fold_unchanged(rows, context)
    return AttemptDiff(rows, added=added, removed=removed)


def _fold_unchanged(rows: list[DiffRow], context: int) -> list[DiffRow]:
    changed = [index for index, row in enumerate(rows) if row.op != "same"]
    if not changed:
        return rows
    keep: set[int] = set()
    for index in changed:
        keep.update(range(max(index - context, 0), min(index + context + 1, len(rows))))
    folded: list[DiffRow] = []
    hidden: list[DiffRow] = []
    for index, row in enumerate(rows):
        if index in keep:
            folded += _folded(hidden)
            hidden = []
            folded.append(row)
        else:
            hidden.append(row)
    return folded + _folded(hidden)


def _folded(hidden: list[DiffRow]) -> list[DiffRow]:
    # A fold row for one line would take as much room as the line itself.
    if len(hidden) <= 1:
        return hidden
    return [DiffRow("skipped", None, None, "", skipped=len(hidden))]
