"""A whole solution written in another of the site's languages: the reference, translated.

Similarity (similarity.py) compares code in the exercise's own language; a Python exercise's
solution rewritten in JavaScript, Java or C shares almost none of its tokens. What a
translation keeps is the algorithm's skeleton and its data: the control flow (if, loops,
return), the operators and comparisons, and the literals (a table of numbers and symbols, a
string of digits). Both sides are read with Pygments into that language-neutral alphabet, and a
reply's code that reproduces CROSS_LANGUAGE_BLOCK of the reference's runs of CROSS_KGRAM such
tokens is the solution in disguise. Only code that is not Python is read this way (Python code
is similarity's and the sandbox's); it is read as JavaScript, whose lexer reads the C family's
statements (C, Java) well enough for this alphabet.
"""

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pygments.lexer import Lexer
from pygments.token import Comment, Keyword, Name, Number, Operator, String, Token, _TokenType

from tutor.guard.normalise import lexer_for
from tutor.languages import get_language

CROSS_KGRAM = 6
CROSS_LANGUAGE_BLOCK = 0.5
# A reference with fewer neutral tokens than this is too small to recognise across languages.
MIN_NEUTRAL_TOKENS = 20

_SAME = {
    "elif": "if",
    "elsif": "if",
    "def": "function",
    "func": "function",
    "fn": "function",
    "&&": "and",
    "||": "or",
    "!": "not",
    "===": "==",
    "!==": "!=",
    "True": "true",
    "False": "false",
    "None": "null",
    "undefined": "null",
    "NULL": "null",
    "//": "/",
    "+=": "+",
    "-=": "-",
    "*=": "*",
    "/=": "/",
    "%=": "%",
    "++": "+",
    "--": "-",
    "raise": "throw",
    "of": "in",
}
QUOTES = "'\"`"
_KEPT = frozenset(
    {"if", "else", "for", "while", "return", "break", "continue", "function", "and", "or",
     "not", "true", "false", "null", "in", "throw", "try", "catch", "except"}
)  # fmt: skip
_OPERATORS = re.compile(r"^(?:[-+*/%<>]=?|==|!=|and|or|not)$")


@dataclass(frozen=True)
class CrossReference:
    kgrams: frozenset[tuple[str, ...]]


def cross_reference(solution: str, language: str) -> CrossReference | None:
    tokens = neutral_tokens(solution, language)
    if len(tokens) < MIN_NEUTRAL_TOKENS:
        return None
    return CrossReference(frozenset(_kgrams(tokens)))


def translated_share(code: str, reference: CrossReference, language: str) -> float:
    """The share of the reference's neutral runs that `code`, written in another language than
    `language` (the exercise's), reproduces; 0 for code in the exercise's own language."""
    if language == "python" and _is_python(code):
        return 0.0
    found = set(_kgrams(_neutral(code, lexer_for("javascript")))) & reference.kgrams
    return len(found) / len(reference.kgrams)


def neutral_tokens(code: str, language: str) -> list[str]:
    if language == "python":
        code = _without_annotations(code)
    # The registry's lexer (tutor/languages); Python has none there (the guard reads it itself).
    name = get_language(language).lexer or "python3"
    return _neutral(code, lexer_for(name))


def _without_annotations(code: str) -> str:
    """Python without type annotations and docstrings: no other language writes them so."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return code
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            node.returns = None
            for argument in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
                argument.annotation = None
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                node.body = body[1:] or [ast.Pass()]
    return ast.unparse(tree)


def _neutral(code: str, lexer: Lexer) -> list[str]:
    tokens: list[str] = []
    in_string = False  # the previous token was a piece of a string: this one continues it
    for kind, text in _operators_joined(lexer.get_tokens(code)):
        text = text.strip()
        if not text or kind in Comment:
            continue
        if kind in String:
            if kind in String.Doc:
                continue
            piece = text.strip(QUOTES) if kind not in String.Delimiter else ""
            if in_string:
                tokens[-1] += piece
            else:
                tokens.append(f"S:{piece}")
            in_string = True
            continue
        in_string = False
        if kind in Number:
            tokens.append(f"N:{_number(text)}")
        else:
            word = _SAME.get(text, text)
            named = kind in Keyword or kind in Name or kind in Operator
            if (word in _KEPT and named) or (kind in Operator and _OPERATORS.match(word)):
                tokens.append(word)
            elif kind in Token.Keyword.Constant:
                tokens.append(_SAME.get(text, text))
        if tokens[-2:] == ["else", "if"]:
            tokens[-2:] = ["if"]  # else if: Python's elif
    return tokens


def _operators_joined(
    tokens: Iterable[tuple[_TokenType, str]],
) -> Iterator[tuple[_TokenType, str]]:
    """Adjacent operator characters as one operator (Pygments' Python lexer cuts >= in two)."""
    pending: tuple[_TokenType, str] | None = None
    for kind, text in tokens:
        if pending is not None and kind in Operator and pending[0] in Operator:
            pending = (pending[0], pending[1] + text)
            continue
        if pending is not None:
            yield pending
        pending = (kind, text)
    if pending is not None:
        yield pending


def _number(text: str) -> str:
    try:
        value = float(text.rstrip("lLfFuU").replace("_", ""))
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() else str(value)


def _kgrams(tokens: list[str]) -> list[tuple[str, ...]]:
    if len(tokens) < CROSS_KGRAM:
        return [tuple(tokens)] if tokens else []
    return [tuple(tokens[i : i + CROSS_KGRAM]) for i in range(len(tokens) - CROSS_KGRAM + 1)]


def _is_python(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return True
