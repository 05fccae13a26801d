"""Where a file that does not compile most likely went wrong.

The parser names the line where it gave up, which is the slip's own line for most novice slips
(`count++`, a missing colon, `=` for `==`, a line indented by the wrong amount). It is later
than the slip when a bracket opened on an earlier line is never closed, or when the file ends
inside an unfinished statement: then the line that opened it is the likelier one. Both are
named, the likelier first, each with why.
"""

import io
import tokenize
from dataclasses import dataclass

OPENING = "([{"
CLOSING = ")]}"


@dataclass(frozen=True)
class SyntaxSlip:
    line: int  # the line of the mistake, as likely as it gets
    why: str


def syntax_slips(source: str, file: str) -> list[SyntaxSlip]:
    """Empty when the source compiles; else the likelier line (if it differs) then the
    parser's."""
    try:
        compile(source, file, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        return _suspects(source, error)
    return []


def _suspects(source: str, error: SyntaxError | ValueError) -> list[SyntaxSlip]:
    lines = source.splitlines()
    last = max((n for n, text in enumerate(lines, 1) if text.strip()), default=1)
    if not isinstance(error, SyntaxError):
        return [SyntaxSlip(1, f"the file cannot be read as Python ({error})")]
    parser_line = min(max(error.lineno or last, 1), last)
    message = error.msg or "invalid syntax"
    kind = type(error).__name__
    parser = SyntaxSlip(parser_line, f"Python stops here with {kind}: {message}")
    opened = _unclosed_bracket_line(source, parser_line)
    if opened is not None and opened != parser_line:
        why = (
            f"a bracket opened on this line is still open where Python stops (line "
            f"{parser_line}: {message})"
        )
        return [SyntaxSlip(opened, why), parser]
    return [parser]


def _unclosed_bracket_line(source: str, stop_line: int) -> int | None:
    """The line of the innermost bracket still open at stop_line, read token by token up to it
    (a bracket inside a string or a comment does not count)."""
    stack: list[int] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.start[0] >= stop_line:
                break
            if token.type == tokenize.OP and token.string in OPENING:
                stack.append(token.start[0])
            elif token.type == tokenize.OP and token.string in CLOSING and stack:
                stack.pop()
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass  # the tokens read so far still tell which brackets are open
    return stack[-1] if stack else None
