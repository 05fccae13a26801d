"""Reduce code to what survives a disguise: renamed variables, changed literals, moved lines.

Two views of the same code:
- normalised tokens: identifiers become ID (keywords, builtins and attribute names stay, they
  are what the code does), literals become STR or NUM, comments and docstrings go;
- statement shapes: one canonical string per statement (for compound statements, just the
  header), with the same renaming applied inside the AST. Being a multiset, it ignores the
  order of statements.

The lexer is a regular expression rather than `tokenize`: code in a reply is often a fragment
(an unclosed bracket, prose around it, `...`), which tokenize rejects and this never does.

Other languages (C, Java, JavaScript) are read with Pygments' lexers, which take fragments too;
their statement shapes are their normalised lines (no AST: a line is the unit a reply copies).
"""

import ast
import builtins
import copy
import functools
import keyword
import re
import textwrap
from collections import Counter
from dataclasses import dataclass

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Token

from tutor.languages import get_language

ANY_NAME = "ID"
ANY_STRING = "STR"
ANY_NUMBER = "NUM"

KEPT_NAMES = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
    | (?P<string>(?<![\w])[rRbBuUfF]{0,2}
        (?:'''(?:\\.|[^\\])*?(?:'''|\Z) | \"\"\"(?:\\.|[^\\])*?(?:\"\"\"|\Z)
        | '(?:\\.|[^\\'\n])*(?:'|$) | "(?:\\.|[^\\"\n])*(?:"|$)))
    | (?P<number>0[xXoObB][0-9a-fA-F_]+
        | (?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJ]?)
    | (?P<name>[^\W\d]\w*)
    | (?P<op>\*\*=?|//=?|>>=?|<<=?|->|:=|\.\.\.|[-+*/%@&|^=<>!]=|[-+*/%@&|^~<>()\[\]{}.,:;=])
    """,
    re.VERBOSE | re.MULTILINE,
)
_SESSION = re.compile(r"^\s*>>>(?: |$)", re.MULTILINE)
_PROMPT = re.compile(r"^\s*(?:>>>|\.\.\.)(?: |$)")


# Lines of only these tokens ("}", "});") say nothing about the code.
PUNCTUATION_ONLY = frozenset("{}()[];,")


def normalised_tokens(code: str, language: str = "python") -> list[str]:
    """The code's tokens with names and literals replaced by their class; see the module doc."""
    lexer = get_language(language).lexer
    if lexer is not None:
        return _lexed_tokens(code, lexer_for(lexer))
    tokens: list[str] = []
    after_dot = False
    for match in _TOKEN.finditer(code):
        kind = match.lastgroup
        if kind == "comment":
            continue
        if kind == "string":
            if not _is_docstring(code, match.start(), match.end()):
                tokens.append(ANY_STRING)
        elif kind == "number":
            tokens.append(ANY_NUMBER)
        elif kind == "name":
            name = match.group()
            tokens.append(name if after_dot or name in KEPT_NAMES else ANY_NAME)
        else:
            tokens.append(match.group())
        after_dot = tokens[-1:] == ["."]
    return tokens


@functools.cache
def lexer_for(name: str) -> Lexer:
    return get_lexer_by_name(name, stripnl=False, ensurenl=False)


def _lexed_tokens(code: str, lexer: Lexer) -> list[str]:
    tokens: list[str] = []
    after_dot = False
    for kind, text in lexer.get_tokens(code):
        if kind in Comment or not text.strip():
            continue
        if kind in String:
            # Pygments splits a string into its quotes and its parts: one STR for all of them.
            if tokens[-1:] != [ANY_STRING]:
                tokens.append(ANY_STRING)
        elif kind in Number:
            tokens.append(ANY_NUMBER)
        elif kind in Keyword or kind in Name.Builtin or kind in Operator or kind in Punctuation:
            tokens.append(text.strip())
        elif kind in Name or kind in Token.Error or kind in Token.Text:
            tokens.append(text if after_dot else ANY_NAME)
        else:
            tokens.append(text.strip())
        after_dot = tokens[-1:] == ["."]
    return tokens


def _is_docstring(code: str, start: int, end: int) -> bool:
    """A string alone on its line(s) is documentation (or a prose string), not logic."""
    line_start = code.rfind("\n", 0, start) + 1
    line_end = code.find("\n", end)
    rest = code[end:] if line_end < 0 else code[end:line_end]
    return not code[line_start:start].strip() and not rest.split("#", 1)[0].strip()


def kgrams(tokens: list[str], size: int) -> set[tuple[str, ...]]:
    """Every run of `size` consecutive tokens; code shorter than that is one run."""
    if len(tokens) <= size:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


@dataclass(frozen=True)
class Shapes:
    """A multiset of statement shapes and the weight (AST node count) of each shape."""

    counts: Counter[str]
    weights: dict[str, int]


def statement_shapes(code: str, language: str = "python") -> Shapes:
    """The shapes of every statement in `code`, at every nesting level.

    Code that does not parse as a whole (a fragment, an `else:` without its `if`) is parsed
    line by line, so its complete statements still count. Other languages than Python: each
    line's normalised tokens, weighted by their number.
    """
    if get_language(language).lexer is not None:
        return _line_shapes(code, language)
    source = strip_prompts(textwrap.dedent(code))
    try:
        trees = [ast.parse(source)]
    except (SyntaxError, ValueError):
        trees = [tree for line in source.splitlines() if (tree := _parse_line(line))]
    counts: Counter[str] = Counter()
    weights: dict[str, int] = {}
    for tree in trees:
        for shape, weight in _shapes_of(tree):
            counts[shape] += 1
            weights[shape] = weight
    return Shapes(counts, weights)


def _line_shapes(code: str, language: str) -> Shapes:
    counts: Counter[str] = Counter()
    weights: dict[str, int] = {}
    for line in code.splitlines():
        tokens = normalised_tokens(line, language)
        if not tokens or set(tokens) <= PUNCTUATION_ONLY:
            continue
        shape = " ".join(tokens)
        counts[shape] += 1
        weights[shape] = len(tokens)
    return Shapes(counts, weights)


def strip_prompts(code: str) -> str:
    """An interactive session (>>> lines and their output) becomes the code typed in it."""
    if not _SESSION.search(code):
        return code
    return "\n".join(
        _PROMPT.sub("", line, count=1) for line in code.splitlines() if _PROMPT.match(line)
    )


_CLAUSE_AS_IF = re.compile(r"^elif\b")
_LONE_CLAUSE = re.compile(r"^(?:else|try|finally)\s*:")


def _parse_line(line: str) -> ast.Module | None:
    text = line.strip()
    if not text or _LONE_CLAUSE.match(text):
        return None
    text = _CLAUSE_AS_IF.sub("if", text)
    if text.startswith("except"):
        text = "try:\n pass\n" + text
    if text.endswith(":"):
        text += "\n pass"
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


_BODY_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def _shapes_of(tree: ast.Module) -> list[tuple[str, int]]:
    """Shapes of a tree parsed for this purpose alone: it is renamed in place."""
    normalised = _Renamer().visit(tree)
    found = []
    for node in ast.walk(normalised):
        if not isinstance(node, ast.stmt | ast.excepthandler) or _is_docstring_node(node):
            continue
        header = copy.copy(node)
        for name in _BODY_FIELDS:
            if hasattr(header, name):
                setattr(header, name, [])
        if isinstance(header, ast.Pass | ast.Expr) and _is_trivial_expression(header):
            continue
        weight = sum(1 for part in ast.walk(header) if not isinstance(part, ast.expr_context))
        found.append((ast.dump(header, annotate_fields=False), weight))
    return found


def _is_docstring_node(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _is_trivial_expression(node: ast.Pass | ast.Expr) -> bool:
    """`pass` and a bare `...` are placeholders, not solution code."""
    return isinstance(node, ast.Pass) or (
        isinstance(node.value, ast.Constant) and node.value.value is Ellipsis
    )


class _Renamer(ast.NodeTransformer):
    """Renames what a copier would rename, and drops what a copier would drop (type hints)."""

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id not in KEPT_NAMES:
            node.id = ANY_NAME
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        node.arg = ANY_NAME
        node.annotation = None
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, str | bytes):
            node.value = ANY_STRING
        elif isinstance(node.value, int | float | complex) and not isinstance(node.value, bool):
            node.value = ANY_NUMBER
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.name = ANY_NAME
        node.returns = None
        return self.generic_visit(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        node.name = ANY_NAME
        node.returns = None
        return self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        node.name = ANY_NAME
        return self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is None:
            return ast.Pass()
        plain = ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno)
        return self.generic_visit(plain)
