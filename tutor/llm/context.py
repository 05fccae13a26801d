"""Fitting a prompt into the context: KV cache cost, token budgets, trimming long text.

Trimming keeps what matters for the question: the code around the line being asked about (the
cursor, the selection, the line a traceback points at), the end of a test's output (where the
assertion and the exception are), the start of an exercise statement.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

TokenCounter = Callable[[str], int]

# Tracebacks name frames as: File "/path/solution.py", line 12, in add
_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')


def kv_bytes_per_token(config: Any, dtype_bytes: int) -> int:
    """KV cache bytes one token costs: layers x kv_heads x head_dim x 2 (K and V) x dtype bytes.

    Stable Code 3B: 32 x 32 x 80 x 2 x 2 = 320 KiB in fp16. Sliding-window layers cost less
    once the window is full; this counts them as full layers, an upper bound.
    """
    text_config = config.get_text_config() if hasattr(config, "get_text_config") else config
    heads = text_config.num_attention_heads
    kv_heads = getattr(text_config, "num_key_value_heads", None) or heads
    head_dim = getattr(text_config, "head_dim", None) or text_config.hidden_size // heads
    return int(text_config.num_hidden_layers * kv_heads * head_dim * 2 * dtype_bytes)


def prompt_token_budget(
    context_window: int,
    kv_budget_tokens: int,
    max_new_tokens: int,
    max_prompt_tokens: int | None = None,
) -> int:
    """Tokens a prompt may use so that it and its reply fit the window and the KV budget."""
    budget = min(context_window, kv_budget_tokens) - max_new_tokens
    if max_prompt_tokens is not None:
        budget = min(budget, max_prompt_tokens)
    return budget


@dataclass(frozen=True)
class LineSpan:
    """1-based inclusive line numbers."""

    first: int
    last: int


def line_of_offset(text: str, offset: int) -> int:
    """1-based line number of a character offset (editors report cursors as offsets)."""
    return text.count("\n", 0, max(0, min(offset, len(text)))) + 1


def traceback_line(output: str, filename: str | None) -> int | None:
    """The line of the student's file where a traceback in `output` points, innermost frame.

    Without a filename, skips frames in test files and installed libraries, which are never the
    student's code.
    """
    found: int | None = None
    for match in _FRAME.finditer(output):
        path = match.group("file")
        name = path.replace("\\", "/").rsplit("/", 1)[-1]
        if filename is not None:
            is_student_file = name == filename.replace("\\", "/").rsplit("/", 1)[-1]
        else:
            is_student_file = not (
                name.startswith("test_")
                or name.endswith("_test.py")
                or "site-packages" in path
                or "/lib/python" in path
                or path.startswith("<")
            )
        if is_student_file:
            found = int(match.group("line"))
    return found


def numbered_lines(text: str) -> list[str]:
    """Lines prefixed with their number, so trimmed code and tracebacks still line up."""
    lines = text.split("\n")
    width = len(str(len(lines)))
    return [f"{number:>{width}} | {line}" for number, line in enumerate(lines, start=1)]


def trim_lines_around(
    lines: Sequence[str],
    focus: LineSpan | None,
    max_tokens: int,
    count_tokens: TokenCounter,
) -> str:
    """Joins the lines nearest the focus that fit in max_tokens, marking what was left out.

    Grows the window one line at a time, alternating below and above the focus, so the kept
    code is centred on it. Without a focus the window grows from the top of the file.
    """
    whole = "\n".join(lines)
    if not lines or count_tokens(whole) <= max_tokens:
        return whole
    costs = [count_tokens(line + "\n") for line in lines]
    # Each omission marker costs about this much; reserve it for both sides.
    marker_cost = count_tokens("... (lines 1000-2000 omitted)\n")
    budget = max_tokens - 2 * marker_cost
    if focus is None:
        first = last = 0
    else:
        first = min(max(focus.first, 1), len(lines)) - 1
        last = min(max(focus.last, focus.first, 1), len(lines)) - 1
    used = sum(costs[first : last + 1])
    while used > budget and last > first:
        # The focus alone is too long: keep its start (the selection or the frame's line).
        used -= costs[last]
        last -= 1
    if used > budget:
        return ""
    grow_below = True
    while first > 0 or last < len(lines) - 1:
        below_open = last < len(lines) - 1
        above_open = first > 0
        take_below = below_open and (grow_below or not above_open)
        index = last + 1 if take_below else first - 1
        if used + costs[index] > budget:
            break
        used += costs[index]
        if take_below:
            last = index
        else:
            first = index
        grow_below = not grow_below
    kept: list[str] = []
    if first > 0:
        kept.append(f"... (lines 1-{first} omitted)")
    kept.extend(lines[first : last + 1])
    if last < len(lines) - 1:
        kept.append(f"... (lines {last + 2}-{len(lines)} omitted)")
    return "\n".join(kept)


def keep_tail(text: str, max_tokens: int, count_tokens: TokenCounter) -> str:
    """The last lines of text that fit: the end of a test run says what failed."""
    return _keep_lines(text, max_tokens, count_tokens, from_end=True)


def keep_head(text: str, max_tokens: int, count_tokens: TokenCounter) -> str:
    """The first lines of text that fit: a statement says what matters first."""
    return _keep_lines(text, max_tokens, count_tokens, from_end=False)


def _keep_lines(text: str, max_tokens: int, count_tokens: TokenCounter, *, from_end: bool) -> str:
    if count_tokens(text) <= max_tokens:
        return text
    lines = text.split("\n")
    marker = "... ({} lines omitted)"
    budget = max_tokens - count_tokens(marker.format(len(lines)) + "\n")
    kept: list[str] = []
    used = 0
    for line in reversed(lines) if from_end else lines:
        cost = count_tokens(line + "\n")
        if used + cost > budget:
            break
        kept.append(line)
        used += cost
    if not kept:
        return ""
    omitted = marker.format(len(lines) - len(kept))
    if from_end:
        return "\n".join([omitted, *reversed(kept)])
    return "\n".join([*kept, omitted])


def keep_around_cursor(
    before: str, after: str, max_tokens: int, count_tokens: TokenCounter
) -> tuple[str, str]:
    """For fill-in-the-middle: the end of the code before the cursor and the start of the code
    after it, three quarters of the budget before (it says most about what comes next)."""
    if count_tokens(before) + count_tokens(after) <= max_tokens:
        return before, after
    after_budget = min(count_tokens(after), max_tokens // 4)
    kept_after = _whole_lines(after, after_budget, count_tokens, from_end=False)
    kept_before = _whole_lines(
        before, max_tokens - count_tokens(kept_after), count_tokens, from_end=True
    )
    return kept_before, kept_after


def _whole_lines(text: str, max_tokens: int, count_tokens: TokenCounter, *, from_end: bool) -> str:
    """Cuts text to whole lines that fit, without a marker: FIM context must stay plain code.

    The partial line next to the cursor is always kept when it fits, it is what the model
    completes.
    """
    if count_tokens(text) <= max_tokens:
        return text
    lines = text.split("\n")
    ordered = list(reversed(lines)) if from_end else lines
    kept: list[str] = []
    used = 0
    for line in ordered:
        cost = count_tokens(line + "\n")
        if used + cost > max_tokens:
            break
        kept.append(line)
        used += cost
    return "\n".join(reversed(kept) if from_end else kept)
