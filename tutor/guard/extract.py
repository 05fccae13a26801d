"""Where the code is in a reply, decided one line at a time so that a stream can be judged as
it arrives.

The kinds of code segments:
- fenced blocks (``` or ~~~, with or without a language, indented or not), and HTML
  <pre>/<pre><code> blocks; a listing with a line number on every line loses the numbers;
- unfenced code: runs of lines that read as Python (a model often forgets the fences), with
  their indented and blank lines; Markdown's indented code blocks are caught this way too. The
  lines may sit inside a container: a blockquote (`> `), list items (`- `, `1. `), table
  cells (`| 3 | for x in xs: |`); the code is what is left once the container's marks are
  taken off (see unwrap());
- inline code spans (`like this`, <code>like this</code>) inside prose lines; the spans of
  consecutive lines together make one more segment (code written one line per step).

A line whose words, after any container marks, start like prose ("Loop over", "- Keep the",
"1. Remember"; not an all-capitals name: "OPEN, CLOSE = ..." is code) is prose whatever
follows; that lets the stream release a prose line before its end without changing how it is
judged.
"""

import html
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Fence:
    char: str
    length: int


_OPENING_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)\n?$")
_CODE_LINE = re.compile(
    r"""[ \t]*(?:
        (?:async\s+)?def\s+\w+\s*\(
      | class\s+\w+\s*[(:]
      | (?:if|elif|while|for|with|try|except|else|finally|match|case)\b[^\n]*:[ \t]*(?:\#.*)?$
      | (?:return|yield|raise|assert|del|pass|break|continue|global|nonlocal)\b
      | import\s+[\w.]+ | from\s+[.\w]+\s+import\b
      | [A-Za-z_][\w.]*(?:\[[^\]\n]*\])?(?:\s*,\s*[A-Za-z_][\w.]*)*
          \s*(?:[-+*/%@&|^]|//|\*\*|>>|<<)?=(?!=)\s*\S
      | [A-Za-z_][\w.]*\([^\n]*\)[ \t]*(?:\#.*)?$
      | @[A-Za-z_] | >>>
    )""",
    re.VERBOSE,
)
_PROSE_START = re.compile(
    r"""[ ]{0,3}(?:
        \#{1,6}[ \t]
      | (?:[A-ZÀ-ÖØ-Þ][\w'\u2019-]*[a-zß-ÿ][\w'\u2019-]*|[A-ZÀ-ÖØ-Þ])
        [,:;!?.]?[ \t]+[\w"'(*_`]
      | \d[\w.,%]*[ \t]+[^\W\d]
      | \*\*
    )""",
    re.VERBOSE,
)
# One container mark: a blockquote's >, a bullet, a list number. The one space after it
# belongs to the mark; more spaces are the code's own indentation.
# A >>> prompt is a Python session, not three blockquotes.
_CONTAINER_MARK = re.compile(r"[ ]{0,3}(?:>(?!>>)[ ]?|[-*+][ \t]|\d{1,3}[.)][ \t])")
_TABLE_SEPARATOR = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{2,}:?[ \t]*\|)+[ \t]*:?-*:?[ \t]*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_NUMBER_CELL = re.compile(r"[ \t]*\d{1,4}[.):]?[ \t]*$")
_WHOLE_SPAN = re.compile(r"[ \t]*(?P<ticks>`+)(?P<code>[^`\n]*?)(?P=ticks)[ \t]*$")
_HTML_OPEN = re.compile(r"^[ \t]*<pre\b[^>]*>(?:[ \t]*<code\b[^>]*>)?", re.IGNORECASE)
_HTML_CLOSE = re.compile(r"(?:</code>[ \t]*)?</pre>|</code>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>\n]*>")
# A line number in front of every line of a listing: "  3 | x = 1", "3: x = 1", "3. x = 1".
_LINE_NUMBER = re.compile(r"^[ \t]*\d{1,4}(?:[ \t]*[|:][ ]?|\.[ ])")
# CommonMark code spans: a run of backticks closed by a run of the same length, on one line;
# and HTML's <code>...</code> on one line.
INLINE_SPAN = re.compile(
    r"(?<!`)(?P<ticks>`+)(?!`)(?P<code>[^\n]+?)(?<!`)(?P=ticks)(?!`)"
    r"|<code\b[^>\n]*>(?P<html>[^\n]*?)</code>",
    re.IGNORECASE,
)


def span_code(match: re.Match[str]) -> str:
    """The code of an INLINE_SPAN match."""
    code = match.group("code")
    return code if code is not None else html.unescape(_HTML_TAG.sub("", match.group("html")))


@dataclass(frozen=True)
class Unwrapped:
    """A line without its container marks: kind says which container ("" for none, "quote",
    "list", "table"), inner is the text left (the code, when it is code)."""

    kind: str
    inner: str


def unwrap(line: str) -> Unwrapped:
    """Take a blockquote's, a list item's or a table row's marks off a line."""
    text = line.rstrip("\r\n")
    kinds = []
    position = 0
    while (mark := _CONTAINER_MARK.match(text, position)) is not None and mark.end() > position:
        kinds.append("quote" if ">" in mark.group() else "list")
        position = mark.end()
    inner = text[position:]
    if inner.lstrip().startswith("|"):
        kinds.append("table")
        inner = _table_code(inner)
    elif kinds and (whole := _WHOLE_SPAN.match(inner)) is not None:
        inner = whole.group("code")
    return Unwrapped("/".join(kinds), inner)


def _table_code(row: str) -> str:
    """The cell of a table row that holds code: not a line number, the first that reads as
    code (else the last one); a separator row (|---|---|) is a blank line."""
    if _TABLE_SEPARATOR.match(row):
        return ""
    cells = _CELL_SPLIT.split(row.strip())
    if cells and not cells[0].strip():
        cells = cells[1:]
    if cells and not cells[-1].strip():
        cells = cells[:-1]
    texts = []
    for cell in cells:
        if _NUMBER_CELL.match(cell):
            continue
        text = cell.replace("\\|", "|").rstrip()
        text = text[1:] if text.startswith(" ") else text
        whole = _WHOLE_SPAN.match(text)
        texts.append(whole.group("code") if whole is not None else text)
    code_cells = [text for text in texts if text.strip() and continues_code(text)]
    if code_cells:
        return code_cells[0]
    return texts[-1] if texts else ""


def opening_html(line: str) -> re.Match[str] | None:
    """<pre> or <pre><code ...> at the start of a line: an HTML code block begins after it."""
    return _HTML_OPEN.match(line)


def closing_html(text: str, start: int = 0) -> re.Match[str] | None:
    return _HTML_CLOSE.search(text, start)


def html_code(text: str) -> str:
    """An HTML code block's text as code: tags off, entities decoded."""
    return html.unescape(_HTML_TAG.sub("", text))


def without_line_numbers(code: str) -> str:
    """A listing with a line number in front of every line, without the numbers."""
    lines = code.splitlines()
    numbered = [line for line in lines if line.strip()]
    if len(numbered) < 2 or not all(_LINE_NUMBER.match(line) for line in numbered):
        return code
    return "\n".join(_LINE_NUMBER.sub("", line, count=1) for line in lines)


def opening_fence(line: str) -> Fence | None:
    match = _OPENING_FENCE.match(line)
    if match is None:
        return None
    fence = match.group("fence")
    if fence[0] == "`" and "`" in match.group("info"):
        return None  # ```a``` on one line is an inline span, not a fence
    return Fence(fence[0], len(fence))


def closes_fence(line: str, fence: Fence) -> bool:
    stripped = line.strip()
    return len(stripped) >= fence.length and stripped == fence.char * len(stripped)


def is_prose_start(text: str, line_start: int = 0) -> bool:
    """True once the line starting at text[line_start] reads as prose (see the module doc):
    its words, after any blockquote or list marks, start like a sentence. A table row is
    never decided before its end."""
    position = line_start
    while (mark := _CONTAINER_MARK.match(text, position)) is not None and mark.end() > position:
        position = mark.end()
    if text[position : position + 4].lstrip(" \t").startswith("|"):
        return False
    return _PROSE_START.match(text, position) is not None


def looks_like_code(line: str) -> bool:
    """Whether a line, as it stands (no container marks taken off), reads as Python."""
    return not is_prose_start(line) and _CODE_LINE.match(line) is not None


def wrapped_code(wrapped: Unwrapped) -> bool:
    """Whether a line's text inside a container reads as code: like any line, or indented by
    four spaces or more (an indented code block inside a quote or a list item)."""
    inner = wrapped.inner
    if looks_like_code(inner):
        return True
    indented = inner.startswith(("    ", "\t"))
    return bool(wrapped.kind) and indented and bool(inner.strip())


def continues_code(line: str) -> bool:
    """Inside a run of unfenced code: blank and indented lines belong to it too."""
    return not line.strip() or line[:1] in (" ", "\t") or looks_like_code(line)
