"""Where the code is in a reply, decided one line at a time so that a stream can be judged as
it arrives.

Three kinds of code segments:
- fenced blocks (``` or ~~~, with or without a language, indented or not);
- unfenced code: runs of lines that read as Python (a model often forgets the fences), with
  their indented and blank lines; Markdown's indented code blocks are caught this way too;
- inline code spans (`like this`) inside prose lines.

A line that starts like prose ("Loop over", "- item", "1. Step") is prose whatever follows;
that lets the stream release a prose line before its end without changing how it is judged.
"""

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
        [-*+][ \t] | \d+[.)][ \t] | \#{1,6}[ \t] | >[ \t]
      | [A-ZÀ-ÖØ-Þ][\w'\u2019-]*[,:;!?.]?[ \t]+[\w"'(*_`]
      | \d[\w.,%]*[ \t]+[^\W\d]
      | \*\* | [|]
    )""",
    re.VERBOSE,
)
# CommonMark code spans: a run of backticks closed by a run of the same length, on one line.
INLINE_SPAN = re.compile(r"(?<!`)(?P<ticks>`+)(?!`)(?P<code>[^\n]+?)(?<!`)(?P=ticks)(?!`)")


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
    """True once the line starting at text[line_start] reads as prose (see the module doc)."""
    return _PROSE_START.match(text, line_start) is not None


def looks_like_code(line: str) -> bool:
    return not is_prose_start(line) and _CODE_LINE.match(line) is not None


def continues_code(line: str) -> bool:
    """Inside a run of unfenced code: blank and indented lines belong to it too."""
    return not line.strip() or line[:1] in (" ", "\t") or looks_like_code(line)
