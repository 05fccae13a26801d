"""The literal values of the hidden tests (inputs, expected values, messages) and where a reply
mentions them.

A value is a secret when it is specific enough to come from the tests and nothing public shows
it: numbers need GuardSettings.min_value_digits significant digits (4142, 12.5, 1000; not 7 or
87), strings GuardSettings.min_value_chars characters, containers of literals three elements or
a specific one ([2, 3] is any example's data; [100000, 7] and [-3, -10, 1] are the tests').
Values found in the statement, the visible tests, the starter or the student's code are public.

Numbers match as whole numbers only (4142 is not in 41420 or 4142.5) and in any common
spelling (100000, 100_000, 100,000, 100 000, 100'000, 100.000); strings match as whole words
whatever their case, whitespace and punctuation ("P. D. J. F. D. P." is "P.D.J.F.D.P.", "hello,
world" is "Hello World"): their letters and digits in order, with at most a short run of
anything else where the value has spaces or punctuation; containers match with either quote and
any spacing. A value the public texts show in any of these spellings is public.

Spelled out to get past a filter, a value still matches: a short string (SPELLED_MAX_CHARS
letters and digits or fewer) with a separator between any of its characters ("C M X L I V",
"C.M.X.L.I.V.", "C-M-X-L-I-V") or backwards, in any of those spellings ("VILXMC"), and a number's
digits with a space, dot or dash between each ("1 9 9 4", "1-9-9-4").
"""

import ast
import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

# A match is only final once this many characters follow it: "4142" then "." and "5" is not
# the value 4142.
MATCH_LOOKAHEAD_CHARS = 2
# Keyword arguments that configure file handling, not the exercise ("utf-8", "w").
_PLUMBING_KEYWORDS = frozenset({"encoding", "mode", "newline", "errors"})
# Longer strings are test data generators, not something a reply repeats; they would also
# force a huge hold-back window on the stream.
MAX_STRING_CHARS = 120
# Between the letters-and-digits runs of a string: a short run of anything else (spaces, a
# line break, punctuation), or nothing.
_GAP = r"[\W_]{0,4}"
_GAP_CHARS = 4
# Between the characters of a value spelled out: up to two separators ("C. M. X.").
_SPELLED_GAP = r"[\W_]{0,2}"
_SPELLED_GAP_CHARS = 2
# Strings up to this many letters and digits also match spelled out and backwards; longer ones
# are sentences, not codes, and would widen the stream's hold-back window for nothing.
SPELLED_MAX_CHARS = 24
# Backwards only from this length: a short value reversed is too often another word.
REVERSED_MIN_CHARS = 4
_ALNUM_RUN = re.compile(r"[^\W_]+")
# Between the digit groups of a number: any common thousands separator, or none.
_THOUSANDS = "[,_ '.\u00a0\u202f]?"
# Around the commas, colons and brackets of a container: Python's own spacing or none.
_SPACE = r"\s?"


@dataclass(frozen=True)
class HiddenValue:
    shown: str  # how findings quote it: 4142, 'sobrien99', [('Bob', 8), ('Ada', 2)]
    source: str  # the test file it comes from
    pattern: str
    max_length: int  # the longest text the pattern can match


@dataclass(frozen=True)
class ValueMatch:
    start: int
    end: int
    value: HiddenValue


class ValueMatcher:
    """Finds the secret values in a text with one combined regular expression."""

    def __init__(self, values: Sequence[HiddenValue]) -> None:
        self.values = tuple(values)
        self.longest = max((v.max_length for v in self.values), default=0)
        self._regex = (
            re.compile("|".join(f"(?P<v{i}>{v.pattern})" for i, v in enumerate(self.values)))
            if self.values
            else None
        )

    def find(self, text: str, start: int = 0) -> Iterator[ValueMatch]:
        """Matches that begin at or after `start` (the text before it is still looked at)."""
        if self._regex is None:
            return
        for match in self._regex.finditer(text, start):
            group = match.lastgroup
            assert group is not None
            yield ValueMatch(match.start(), match.end(), self.values[int(group[1:])])


def hidden_values(
    hidden_tests: Sequence[tuple[str, str]],
    public_texts: Sequence[str],
    min_digits: int,
    min_chars: int,
) -> ValueMatcher:
    found: dict[str, HiddenValue] = {}
    for filename, code in hidden_tests:
        if filename.endswith(".toml"):
            nodes = list(_io_case_value_nodes(code))
        else:
            try:
                nodes = list(_value_nodes(ast.parse(code)))
            except (SyntaxError, ValueError):
                continue
        for node in nodes:
            value = _hidden_value(node, filename, min_digits, min_chars)
            if value is None or value.pattern in found:
                continue
            public = re.compile(value.pattern)
            if not any(public.search(text) for text in public_texts):
                found[value.pattern] = value
    return ValueMatcher(list(found.values()))


def _io_case_value_nodes(text: str) -> Iterator[ast.expr]:
    """An input/output case file's inputs and expected output, whole and line by line.

    Case names are left out: students see hidden tests by name.
    """
    try:
        cases = tomllib.loads(text).get("case", [])
    except tomllib.TOMLDecodeError:
        return
    for case in cases if isinstance(cases, list) else []:
        if not isinstance(case, dict):
            continue
        args = case.get("args", [])
        values = [case.get("stdin"), case.get("stdout"), *(args if isinstance(args, list) else [])]
        for value in values:
            if not isinstance(value, str):
                continue
            yield ast.Constant(value)
            lines = [line for line in value.splitlines() if line.strip()]
            if len(lines) > 1:
                yield from (ast.Constant(line) for line in lines)


def _value_nodes(tree: ast.Module) -> Iterator[ast.expr]:
    """Constants and literal containers, leaving out docstrings, the __main__ check and file
    handling options."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(id(first.value))
        elif isinstance(node, ast.If) and "__name__" in ast.unparse(node.test):
            skipped.update(id(part) for part in ast.walk(node.test))
        elif isinstance(node, ast.keyword) and node.arg in _PLUMBING_KEYWORDS:
            skipped.update(id(part) for part in ast.walk(node.value))
        if isinstance(node, ast.expr) and id(node) not in skipped and _literal(node):
            yield node


def _literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str | int | float) and not isinstance(node.value, bool)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return isinstance(node.operand, ast.Constant) and _number(node.operand.value)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return bool(node.elts) and all(_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return bool(node.keys) and all(
            k is not None and _literal(k) and _literal(v)
            for k, v in zip(node.keys, node.values, strict=True)
        )
    return False


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _hidden_value(
    node: ast.expr, source: str, min_digits: int, min_chars: int
) -> HiddenValue | None:
    if isinstance(node, ast.UnaryOp):
        return None  # the constant inside is a value of its own: the sign is no secret
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            text = node.value.strip()
            if (
                len(text) < min_chars
                or len(text) > MAX_STRING_CHARS
                or sum(map(len, _ALNUM_RUN.findall(text))) < 2
            ):
                return None
            pattern, length = _words_pattern(text)
            return HiddenValue(repr(text), source, pattern, length)
        if not isinstance(node.value, int | float) or _significant_digits(node.value) < min_digits:
            return None
        pattern, length = _number_pattern(node.value)
        return HiddenValue(_plain_number(node.value), source, pattern, length)
    # [2, 3] is any example's data; [-3, -10, 1] or [100000, 7] is the tests'.
    elements = _element_count(node)
    if elements < 2 or (
        elements == 2
        and not any(
            _hidden_value(part, source, min_digits, min_chars)
            for part in ast.walk(node)
            if isinstance(part, ast.Constant)
        )
    ):
        return None
    pattern, length = _container_pattern(node)
    return HiddenValue(ast.unparse(node), source, pattern, length)


def _element_count(node: ast.expr) -> int:
    if isinstance(node, ast.Dict):
        return len(node.keys)
    return len(node.elts) if isinstance(node, ast.List | ast.Tuple | ast.Set) else 0


def _plain_number(value: int | float) -> str:
    number = abs(value)
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return str(number)


def _significant_digits(value: int | float) -> int:
    return len(_plain_number(value).replace(".", "").lstrip("0"))


def _number_pattern(value: int | float) -> tuple[str, int]:
    """abs(value) in any common spelling, as a whole number."""
    number = abs(value)
    plain = _plain_number(number)
    whole, _dot, fraction = plain.partition(".")
    groups = f"{int(whole):,}".split(",")
    body = _THOUSANDS.join(groups) + (rf"\.{fraction}" if fraction else "")
    alternatives = [body]
    if isinstance(number, float) and number.is_integer():
        alternatives.insert(0, rf"{body}\.0")  # 175.0 as well as 175
    digits = whole.lstrip("-")
    if not fraction and len(digits) > 1:
        alternatives.append("[ .-]".join(digits))  # spelled out: 1 9 9 4, 1-9-9-4
    pattern = rf"(?<![\w.])(?:{'|'.join(alternatives)})(?!\w|[.,]\d)"
    return pattern, max(len(plain) + len(groups) + 2, 2 * len(digits))


def _words_pattern(text: str) -> tuple[str, int]:
    runs = _ALNUM_RUN.findall(text)
    body = _GAP.join(re.escape(run) for run in runs)
    length = sum(map(len, runs)) + (len(runs) - 1) * _GAP_CHARS
    characters = "".join(runs)
    if len(characters) <= SPELLED_MAX_CHARS:
        spellings = [characters]
        if len(characters) >= REVERSED_MIN_CHARS and characters[::-1] != characters:
            spellings.append(characters[::-1])
        body = "|".join(
            [body, *(_SPELLED_GAP.join(re.escape(char) for char in word) for word in spellings)]
        )
        length = max(length, len(characters) * (1 + _SPELLED_GAP_CHARS))
    return rf"(?<![^\W_])(?i:{body})(?![^\W_])", length


def _container_pattern(node: ast.expr) -> tuple[str, int]:
    """A literal as written in code, with either quote and any spacing."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            return f"[\"']{re.escape(node.value)}[\"']", len(node.value) + 2
        text = repr(node.value)
        return re.escape(text), len(text)
    if isinstance(node, ast.UnaryOp):
        inner, length = _container_pattern(node.operand)
        return f"-{_SPACE}{inner}", length + 2
    if isinstance(node, ast.Dict):
        parts = [
            (f"{k}{_SPACE}:{_SPACE}{v}", kl + vl + 3)
            for (k, kl), (v, vl) in (
                (_container_pattern(key), _container_pattern(value))
                for key, value in zip(node.keys, node.values, strict=True)
                if key is not None
            )
        ]
        return _sequence_pattern(parts, r"\{", r"\}")
    assert isinstance(node, ast.List | ast.Tuple | ast.Set)
    brackets = {ast.List: (r"\[", r"\]"), ast.Tuple: (r"\(", r"\)"), ast.Set: (r"\{", r"\}")}
    opening, closing = brackets[type(node)]
    return _sequence_pattern([_container_pattern(e) for e in node.elts], opening, closing)


def _sequence_pattern(parts: list[tuple[str, int]], opening: str, closing: str) -> tuple[str, int]:
    separator = f"{_SPACE},{_SPACE}"
    body = separator.join(pattern for pattern, _ in parts)
    pattern = f"{opening}{_SPACE}{body}{_SPACE},?{_SPACE}{closing}"
    length = 2 + sum(n for _, n in parts) + len(parts) * 3 + 2
    return pattern, length
