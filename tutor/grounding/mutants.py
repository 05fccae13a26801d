"""Seeded bugs: small mutants of a reference solution, each with the line it changed.

Used by bench/localise_eval.py (and its tests) to measure localisation. Each mutant changes one
line in place, so the line numbers of the reference hold: an off-by-one loop bound, a flipped
comparison, a wrong returned value, a missing case (a guard's `if` replaced by `pass`), a wrong
variable, a while loop's update of its condition's variable replaced by `pass` (a loop that
never ends), or a loop body's last statement indented out of the loop.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass

KINDS = (
    "off_by_one",
    "flipped_comparison",
    "wrong_return",
    "missing_case",
    "wrong_variable",
    "endless_loop",
    "mis_indentation",
)
# Each kind as an instructor would name the mistake.
KIND_LABELS = {
    "off_by_one": "loop bound off by one",
    "flipped_comparison": "comparison the wrong way round",
    "wrong_return": "wrong value returned",
    "missing_case": "a case not handled",
    "wrong_variable": "wrong variable used",
    "endless_loop": "a loop that never ends",
    "mis_indentation": "a line at the wrong indentation",
}
FLIPPED: dict[type[ast.cmpop], str] = {
    ast.Lt: "<=",
    ast.LtE: "<",
    ast.Gt: ">=",
    ast.GtE: ">",
    ast.Eq: "!=",
    ast.NotEq: "==",
}
OPERATORS: dict[type[ast.cmpop], str] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}


@dataclass(frozen=True)
class Mutant:
    kind: str
    line: int
    source: str
    description: str


def mutants(source: str, *, per_kind: int = 2) -> list[Mutant]:
    """Up to per_kind mutants of each kind, in the order their sites appear in the source."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    found: list[Mutant] = []
    for kind, maker in (
        ("off_by_one", _off_by_one),
        ("flipped_comparison", _flipped_comparison),
        ("wrong_return", _wrong_return),
        ("missing_case", _missing_case),
        ("wrong_variable", _wrong_variable),
        ("endless_loop", _endless_loop),
        ("mis_indentation", _mis_indentation),
    ):
        seen: set[str] = set()
        for edit in maker(tree, lines):
            line, start, end, text, description = edit[:5]
            mutated = _splice(lines, line, start, end, text)
            if mutated == source or mutated in seen or not _parses(mutated):
                continue
            seen.add(mutated)
            known_line = edit[5] if len(edit) > 5 else line
            found.append(Mutant(kind, known_line, mutated, description))
            if len(seen) == per_kind:
                break
    return found


# line, start column, end column, new text, description[, the bug's line when not the edited one]
Edit = tuple[int, int, int, str, str] | tuple[int, int, int, str, str, int]


def _splice(lines: list[str], line: int, start: int, end: int, text: str) -> str:
    edited = list(lines)
    original = edited[line - 1]
    # Columns are in UTF-8 bytes, as ast gives them.
    encoded = original.encode()
    edited[line - 1] = (encoded[:start] + text.encode() + encoded[end:]).decode()
    return "".join(edited)


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except SyntaxError:
        return False
    return True


def _segment(lines: list[str], node: ast.AST) -> str:
    start, end = node.col_offset, node.end_col_offset  # type: ignore[attr-defined]
    return lines[node.lineno - 1].encode()[start:end].decode()  # type: ignore[attr-defined]


def _one_line(node: ast.AST) -> bool:
    return getattr(node, "lineno", None) is not None and node.lineno == node.end_lineno  # type: ignore[attr-defined]


def _functions(tree: ast.Module) -> list[ast.FunctionDef]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]


def _off_by_one(tree: ast.Module, lines: list[str]) -> Iterator[Edit]:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "range"
            and node.args
            and _one_line(node)
        ):
            stop = node.args[1] if len(node.args) > 1 else node.args[0]
            text = _segment(lines, stop)
            if (
                isinstance(stop, ast.BinOp)
                and isinstance(stop.op, ast.Add)
                and isinstance(stop.right, ast.Constant)
                and stop.right.value == 1
            ):
                new = _segment(lines, stop.left)
            else:
                new = f"{text} - 1"
            yield (
                stop.lineno,
                stop.col_offset,
                stop.end_col_offset or 0,
                new,
                f"range stop {text} -> {new}",
            )
        elif isinstance(node, ast.Compare) and _one_line(node):
            right = node.comparators[0]
            if isinstance(right, ast.Constant) and type(right.value) is int:
                new = str(right.value + 1)
                yield (
                    right.lineno,
                    right.col_offset,
                    right.end_col_offset or 0,
                    new,
                    f"bound {right.value} -> {new}",
                )


def _flipped_comparison(tree: ast.Module, lines: list[str]) -> Iterator[Edit]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare) or not _one_line(node) or len(node.ops) != 1:
            continue
        op = type(node.ops[0])
        if op not in FLIPPED:
            continue
        left, right = node.left, node.comparators[0]
        if left.end_lineno != node.lineno or right.lineno != node.lineno:
            continue
        between = lines[node.lineno - 1].encode()[left.end_col_offset : right.col_offset].decode()
        old = OPERATORS[op]
        if between.count(old) != 1 or (old in ("<", ">") and between.count(old + "=")):
            continue
        text = between.replace(old, FLIPPED[op])
        yield (
            node.lineno,
            left.end_col_offset or 0,
            right.col_offset,
            text,
            f"{old} -> {FLIPPED[op]}",
        )


def _wrong_return(tree: ast.Module, lines: list[str]) -> Iterator[Edit]:
    for function in _functions(tree):
        params = [arg.arg for arg in function.args.args if arg.arg not in ("self", "cls")]
        for node in ast.walk(function):
            if not isinstance(node, ast.Return) or node.value is None or not _one_line(node):
                continue
            value = node.value
            text = _segment(lines, value)
            if isinstance(value, ast.Constant) and isinstance(value.value, bool):
                new = repr(not value.value)
            elif isinstance(value, ast.Constant) and type(value.value) is int:
                new = repr(value.value + 1)
            elif params and text != params[0]:
                new = params[0]
            else:
                continue
            yield (
                value.lineno,
                value.col_offset,
                value.end_col_offset or 0,
                new,
                f"return {text} -> return {new}",
            )


def _missing_case(tree: ast.Module, lines: list[str]) -> Iterator[Edit]:
    """A guard that handles a case (`if n == 0:` then `return 1`) loses its action: the body
    becomes `pass`. The known line is the guard's, where the case is (not) handled."""
    for function in _functions(tree):
        for node in ast.walk(function):
            if not (isinstance(node, ast.If) and not node.orelse and len(node.body) == 1):
                continue
            body = node.body[0]
            if isinstance(body, ast.Return | ast.Continue | ast.Break | ast.Raise) and _one_line(
                body
            ):
                start, end = body.col_offset, body.end_col_offset or 0
                yield (
                    body.lineno,
                    start,
                    end,
                    "pass",
                    f"case removed: {_segment(lines, node.test)[:40]}",
                    node.lineno,
                )


def _wrong_variable(tree: ast.Module, lines: list[str]) -> Iterator[Edit]:
    for function in _functions(tree):
        names = sorted(
            {arg.arg for arg in function.args.args if arg.arg not in ("self", "cls")}
            | {
                node.id
                for node in ast.walk(function)
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
            }
        )
        if len(names) < 2:
            continue
        called = {id(node.func) for node in ast.walk(function) if isinstance(node, ast.Call)}
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Name)
                and isinstance(node.ctx, ast.Load)
                and node.id in names
                and id(node) not in called
            ):
                other = next(name for name in names if name != node.id)
                yield (
                    node.lineno,
                    node.col_offset,
                    node.end_col_offset or 0,
                    other,
                    f"{node.id} -> {other}",
                )


def _endless_loop(tree: ast.Module, lines: list[str]) -> Iterator[Edit]:
    """A while loop's update of a variable its condition reads becomes `pass`."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.While):
            continue
        read = {name.id for name in ast.walk(node.test) if isinstance(name, ast.Name)}
        for statement in node.body:
            targets = (
                [statement.target]
                if isinstance(statement, ast.AugAssign)
                else statement.targets
                if isinstance(statement, ast.Assign)
                else []
            )
            written = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            if written & read and _one_line(statement):
                start, end = statement.col_offset, statement.end_col_offset or 0
                text = _segment(lines, statement)
                yield statement.lineno, start, end, "pass", f"update dropped: {text[:40]}"


def _mis_indentation(tree: ast.Module, lines: list[str]) -> Iterator[Edit]:
    """The last statement of a loop's body (of two or more) indented out of the loop."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.For | ast.While) or len(node.body) < 2 or node.orelse:
            continue
        last = node.body[-1]
        if not _one_line(last) or isinstance(last, ast.Continue | ast.Break):
            continue
        # Columns are bytes, and indentation is ASCII: cut the statement's indent to the loop's.
        yield (
            last.lineno,
            node.col_offset,
            last.col_offset,
            "",
            f"out of the loop: {_segment(lines, last)[:40]}",
        )
