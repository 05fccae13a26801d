"""What the student's file says by its shape alone, for ranking lines: how much decision each
line holds, which condition decides whether a line runs, statements that do nothing, and in a
loop that never ends, what should have ended it. Plain ast; a file that does not parse has none.
"""

import ast
from collections.abc import Mapping


def unfinished_updates(source: str, endless: Mapping[int, str]) -> dict[int, str]:
    """In a while loop that did not end, where its progress goes wrong: the lines that update
    what its condition reads (they do not bring it to an end), or, when none does, the body's
    last line (the update is missing after it)."""
    tree = parsed(source)
    if tree is None:
        return {}
    found: dict[int, str] = {}
    for loop in ast.walk(tree):
        if not isinstance(loop, ast.While) or loop.lineno not in endless:
            continue
        read = sorted({n.id for n in ast.walk(loop.test) if isinstance(n, ast.Name)})
        updates = [
            statement.lineno
            for statement in ast.walk(loop)
            if isinstance(statement, ast.Assign | ast.AugAssign | ast.AnnAssign)
            and statement is not loop
            and read_names_written(statement) & set(read)
        ]
        names = ", ".join(read) or "its condition"
        for line in updates:
            found[line] = (
                f"it changes {names}, which the loop's condition reads, yet the loop never ends"
            )
        if not updates and read and loop.body:
            last = loop.body[-1].end_lineno or loop.body[-1].lineno
            found[last] = (
                f"the loop's body ends here and nothing in it changes {names}, which its "
                "condition reads: the loop never ends"
            )
    return found


def read_names_written(statement: ast.Assign | ast.AugAssign | ast.AnnAssign) -> set[str]:
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    return {n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name)}


def no_effect_lines(source: str) -> set[int]:
    """Lines of statements whose value is thrown away: an operation or comparison alone."""
    tree = parsed(source)
    if tree is None:
        return set()
    lines = {
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.BinOp | ast.Compare | ast.BoolOp | ast.UnaryOp)
    }
    # A `pass` among other statements stands where something was meant to be done.
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and len(body) > 1:
            lines |= {statement.lineno for statement in body if isinstance(statement, ast.Pass)}
    return lines


def empty_bodies(source: str) -> set[int]:
    """Lines of a `pass` that is a branch's or a loop's whole body."""
    tree = parsed(source)
    if tree is None:
        return set()
    return {
        node.body[0].lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.If | ast.While | ast.For)
        and len(node.body) == 1
        and isinstance(node.body[0], ast.Pass)
    }


def controlling_lines(source: str) -> dict[int, int]:
    """Line of each statement -> the line of the if/while/for header whose body holds it."""
    tree = parsed(source)
    if tree is None:
        return {}
    controllers: dict[int, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If | ast.While | ast.For):
            for child in [*node.body, *node.orelse]:
                if isinstance(child, ast.If) and child in node.orelse:
                    continue  # an elif is decided by its own condition
                controllers.setdefault(child.lineno, node.lineno)
    return controllers


def parsed(source: str) -> ast.Module | None:
    """The student's file as a tree; None when it does not parse."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def decision_weights(source: str) -> dict[int, float]:
    """How much decision each line holds, 0..1: loop bounds and conditions most, then computed
    returns and updates, plain statements least."""
    tree = parsed(source)
    if tree is None:
        return {}
    weights: dict[int, float] = {}
    for node in ast.walk(tree):
        weight = line_weight(node)
        if weight:
            line = node.lineno  # type: ignore[attr-defined]
            weights[line] = max(weights.get(line, 0.0), weight)
    return weights


def line_weight(node: ast.AST) -> float:
    if isinstance(node, ast.For | ast.While | ast.If):
        return (
            1.0
            if any(
                isinstance(n, ast.Compare | ast.Call)
                for n in ast.walk(node.iter if isinstance(node, ast.For) else node.test)
            )
            else 0.8
        )
    if isinstance(node, ast.Return) and node.value is not None:
        simple = isinstance(node.value, ast.Name | ast.Constant)
        return 0.3 if simple else 0.7
    if isinstance(node, ast.AugAssign):
        return 0.6
    if isinstance(node, ast.Assign) and isinstance(
        node.value, ast.BinOp | ast.Compare | ast.Subscript | ast.Call
    ):
        return 0.5
    if isinstance(node, ast.stmt):
        return 0.2
    return 0.0
