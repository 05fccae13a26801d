"""Where a file that does not compile most likely went wrong.

The parser names the line where it gave up, which is the slip's own line for most novice slips
(`count++`, a missing colon, `=` for `==`, a line indented by the wrong amount, a bracket never
closed). It is later than the slip when the line before ends in the middle of an expression
(`total = (n +` and the next line closes it), and when the file ends with a bracket still open:
then that earlier line is the likelier one. An indented block that is missing names both its
header and the line that should have been indented. The likelier line comes first, each with why.
"""

import io
import re
import tokenize
from dataclasses import dataclass

OPENING = "([{"
CLOSING = ")]}"
# A line ending in one of these has not finished its expression.
_DANGLING = re.compile(r"(?:[-+*/%&|^<>=(\[{]|\band|\bor|\bnot|\bin|\bis)\s*$")
_BLOCK_AFTER = re.compile(r"expected an indented block after .* on line (\d+)")


@dataclass(frozen=True)
class SyntaxSlip:
    line: int  # the line of the mistake, as likely as it gets
    why: str


def syntax_slips(source: str, file: str) -> list[SyntaxSlip]:
    """Empty when the source compiles; else the likelier line (where it differs) first, then
    the parser's."""
    try:
        compile(source, file, "exec", dont_inherit=True)
    except SyntaxError as error:
        return _suspects(source, error)
    except ValueError as error:  # a NUL byte
        return [SyntaxSlip(1, f"the file cannot be read as Python ({error})")]
    return []


def _suspects(source: str, error: SyntaxError) -> list[SyntaxSlip]:
    lines = source.splitlines()
    last = max((n for n, text in enumerate(lines, 1) if text.strip()), default=1)
    message = error.msg or "invalid syntax"
    parser_line = error.lineno or last
    parser = SyntaxSlip(min(max(parser_line, 1), last), f"Python stops here: {message}")
    likelier = _likelier(source, lines, parser_line, last, message)
    if likelier is None or likelier.line == parser.line:
        return [parser]
    if _BLOCK_AFTER.search(message):
        return [parser, likelier]  # the unindented line is the usual slip, the header next
    return [likelier, parser]


def _likelier(
    source: str, lines: list[str], parser_line: int, last: int, message: str
) -> SyntaxSlip | None:
    header = _BLOCK_AFTER.search(message)
    if header is not None:
        return SyntaxSlip(int(header.group(1)), "the block this line opens has no indented body")
    if "forgot a comma" in message:
        return None
    if parser_line > last:
        opened = _open_bracket_line(source)
        if opened is not None:
            return SyntaxSlip(opened, "a bracket opened here is never closed")
    previous = next(
        (n for n in range(min(parser_line, last + 1) - 1, 0, -1) if lines[n - 1].strip()), None
    )
    if previous is not None and _DANGLING.search(_code_part(lines[previous - 1])):
        return SyntaxSlip(
            previous,
            f"this line stops in the middle of an expression, so Python reads on into line "
            f"{parser_line} ({message})",
        )
    return None


def _code_part(line: str) -> str:
    """The line without a trailing comment (a # inside a string is rare enough in a slip)."""
    return line.split("#", 1)[0].rstrip()


def _open_bracket_line(source: str) -> int | None:
    """The line of the innermost bracket still open at the end of the file."""
    stack: list[int] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.OP and token.string in OPENING:
                stack.append(token.start[0])
            elif token.type == tokenize.OP and token.string in CLOSING and stack:
                stack.pop()
    except (tokenize.TokenError, SyntaxError):
        pass  # the tokens read so far still tell which brackets are open
    return stack[-1] if stack else None
