"""The check similarity can't do: does the reply's code pass the exercise's tests?

A different algorithm that passes every test is as much a full solution as a copy, so code that
could be a solution is run: code that defines every name the tests take from the student's
module. Which names those are is read from the tests, however they reach the module (`from m
import f`, `from m import *`, `import m` and `m.f`, `importlib.import_module("m")`, a helper
module that imports it): the names the reference solution defines that the tests use.

Running the sandbox costs a tenth of a second or more, so every answer is remembered, and a
reply gets a bounded number of runs within a time budget (GuardSettings.max_sandbox_runs,
sandbox_seconds_per_reply).
"""

import ast
import itertools
import logging
import textwrap
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace

from tutor.guard.models import GuardContext, RunCode
from tutor.guard.normalise import strip_prompts
from tutor.guard.run_outcome import RunOutcome, shows_a_solution
from tutor.languages import get_language
from tutor.sandbox import Limits, SandboxConfig, SandboxError, SourceFile, run_tests

logger = logging.getLogger(__name__)

# Blocks just before a new one that are joined with it: a function cut in two by a sentence
# is two blocks; a longer chain is not a way anybody writes code.
MAX_JOINED_BLOCKS = 4
# Below this much time left in the reply's budget, a run could not finish: none is started.
MIN_RUN_SECONDS = 0.2

TestFiles = Sequence[tuple[str, str]]


def required_names(
    test_files: TestFiles, module_name: str, solution_code: str = ""
) -> frozenset[str]:
    """The names the tests take from the student's module.

    Names imported by name (`from m import f`) always count. With the reference solution, so
    do the names it defines that the tests use as plain names (`from m import *`), as
    attributes of the module (`import m as x`, `x = importlib.import_module("m")`, then `x.f`)
    or in strings (`getattr(x, "f")`), unless the tests define that name themselves. Without
    it, attributes of the imported module count.
    """
    trees = []
    for _filename, code in test_files:
        try:
            trees.append(ast.parse(code))
        except (SyntaxError, ValueError):
            continue
    named: set[str] = set()
    module_aliases: set[str] = set()
    for tree in trees:
        named |= _names_imported_from(tree, module_name)
        module_aliases |= _module_aliases(tree, module_name)
    used: set[str] = set()
    own: set[str] = set()
    for tree in trees:
        used |= _used_names(tree, module_aliases, module_name)
        own |= _bound_names(tree, module_name)
    reference = _top_level_names(solution_code)
    if reference is None:
        attributes: set[str] = set()
        for tree in trees:
            attributes |= _module_attributes(tree, module_aliases, module_name)
        return frozenset(named | attributes)
    return frozenset(named | ((used - own) & reference))


def _names_imported_from(tree: ast.Module, module_name: str) -> set[str]:
    return {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == module_name and not node.level
        for alias in node.names
        if alias.name != "*"
    }


def _module_aliases(tree: ast.Module, module_name: str) -> set[str]:
    """The names the module itself is bound to: import m (as x), x = importlib.import_module."""
    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases.update(a.asname or a.name for a in node.names if a.name == module_name)
        elif isinstance(node, ast.Assign) and _imports_module(node.value, module_name):
            aliases.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return aliases


def _imports_module(node: ast.expr, module_name: str) -> bool:
    """importlib.import_module("m"), import_module("m") or __import__("m")."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    function = node.func
    name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
    first = node.args[0]
    return (
        name in ("import_module", "__import__")
        and isinstance(first, ast.Constant)
        and first.value == module_name
    )


def _module_attributes(tree: ast.Module, aliases: set[str], module_name: str) -> set[str]:
    """Attributes taken from the module: x.f for an alias x, importlib.import_module("m").f."""
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and (
            (isinstance(node.value, ast.Name) and node.value.id in aliases)
            or _imports_module(node.value, module_name)
        )
    }


def _used_names(tree: ast.Module, aliases: set[str], module_name: str) -> set[str]:
    """Plain names read, attributes of the module, and strings that could name something."""
    used = _module_attributes(tree, aliases, module_name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            used.add(node.id)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.isidentifier()
        ):
            used.add(node.value)  # getattr(module, "f")
    return used


def _bound_names(tree: ast.Module, module_name: str) -> set[str]:
    """Names the test files define themselves (not taken from the student's module)."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.Import):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module != module_name:
            bound.update(a.asname or a.name for a in node.names if a.name != "*")
    return bound


def _top_level_names(code: str) -> frozenset[str] | None:
    if not code.strip():
        return None
    try:
        ast.parse(code)
    except (SyntaxError, ValueError):
        return None
    return defined_names(code)


def defined_names(code: str) -> frozenset[str]:
    """The names `code` defines at its top level; nothing when it doesn't parse."""
    try:
        tree = ast.parse(as_module(code))
    except (SyntaxError, ValueError):
        return frozenset()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return frozenset(names)


def _whole(segment: str) -> bool:
    """Whether a segment is a program of its own: not indented like the inside of something
    else, and it compiles (`return` outside a function does not)."""
    first = next((line for line in segment.splitlines() if line.strip()), "")
    if first[:1] in (" ", "\t"):
        return False
    try:
        compile(as_module(segment), "<reply>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


# Functions of the student's code that a function body from a reply is tried in.
MAX_FILLED_FUNCTIONS = 2
# Ways a reply's own definitions are tried under the names the tests use.
MAX_RENAMINGS = 2


def under_tested_names(code: str, names: frozenset[str], reference: str = "") -> Iterator[str]:
    """`code` with aliases that give its definitions the names the tests use (`to_roman =
    convert`): a solution under another function or class name is still a solution.

    Each missing name is given a definition of the same kind (a class for a class of the
    reference's, else a function) taking as many positional parameters as the reference's,
    when the reference says; functions no other definition calls come first (the entry
    points), the later ones first. At most MAX_RENAMINGS files.
    """
    try:
        tree = ast.parse(as_module(code))
    except (SyntaxError, ValueError):
        return
    missing = sorted(names - defined_names(code))
    own = [node for node in _definitions(tree) if node.name not in names]
    if not missing or not own:
        return
    expected = _signatures(reference)
    called = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    options = []
    for name in missing:
        fitting = [node for node in own if _signature(node) == expected.get(name, _signature(node))]
        fitting = [
            node for node in fitting if isinstance(node, ast.ClassDef) == name[:1].isupper()
        ] or fitting
        fitting.sort(key=lambda node: (node.name in called, -node.lineno))
        if not fitting:
            return
        options.append(fitting)
    distinct = (
        choice
        for choice in itertools.product(*options)
        if len({node.name for node in choice}) == len(choice)
    )
    for choice in itertools.islice(distinct, MAX_RENAMINGS):
        aliases = "\n".join(
            f"{name} = {node.name}" for name, node in zip(missing, choice, strict=True)
        )
        yield f"{as_module(code).rstrip()}\n\n{aliases}\n"


Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def _definitions(tree: ast.Module) -> list[Definition]:
    return [node for node in tree.body if isinstance(node, Definition)]


def _signature(node: Definition) -> tuple[str, int]:
    if isinstance(node, ast.ClassDef):
        return ("class", 0)
    return ("function", len(node.args.posonlyargs) + len(node.args.args))


def _signatures(reference: str) -> dict[str, tuple[str, int]]:
    """The reference's top-level definitions: kind and positional parameters."""
    try:
        tree = ast.parse(reference)
    except (SyntaxError, ValueError):
        return {}
    return {node.name: _signature(node) for node in _definitions(tree)}


def filled_in(student_code: str, body: str, names: frozenset[str]) -> Iterator[str]:
    """The student's code with the body of one of its functions (those the tests use first)
    replaced by `body`: a reply that writes only what goes inside their function.

    Only a body that could be a whole one is tried: one that returns something (a fragment
    such as `count += 1` completes nothing).
    """
    code = textwrap.dedent(strip_prompts(body)).strip("\n")
    try:
        tree = ast.parse(f"def _():\n{textwrap.indent(code, '    ')}\n")
        student = ast.parse(student_code)
    except (SyntaxError, ValueError):
        return
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    if not any(isinstance(node, ast.Return) for node in ast.walk(function)):
        return
    candidates = [
        node
        for node in _functions(student)
        if node.body and (not names or node.name in names or _is_method(node, student))
    ]
    # Unwritten functions first (`pass`, `raise NotImplementedError`), then what the tests use.
    candidates.sort(key=lambda node: (not _unwritten(node), node.name not in names))
    lines = student_code.splitlines()
    for node in candidates[:MAX_FILLED_FUNCTIONS]:
        body_nodes = node.body
        if (
            isinstance(body_nodes[0], ast.Expr)
            and isinstance(body_nodes[0].value, ast.Constant)
            and isinstance(body_nodes[0].value.value, str)
            and len(body_nodes) > 1
        ):
            body_nodes = body_nodes[1:]  # keep the docstring
        first, last = body_nodes[0], body_nodes[-1]
        if last.end_lineno is None:
            continue
        indent = " " * first.col_offset
        yield "\n".join(
            [
                *lines[: first.lineno - 1],
                textwrap.indent(code, indent),
                *lines[last.end_lineno :],
            ]
        )


def _functions(tree: ast.Module) -> Iterator[ast.FunctionDef]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            yield node
        elif isinstance(node, ast.ClassDef):
            yield from (item for item in node.body if isinstance(item, ast.FunctionDef))


def _unwritten(node: ast.FunctionDef) -> bool:
    """A stub: only a docstring, comments, pass, ..., a raise, or returning a plain value."""
    for statement in node.body:
        if isinstance(statement, ast.Pass | ast.Raise):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue
        if isinstance(statement, ast.Return) and (
            statement.value is None or isinstance(statement.value, ast.Constant | ast.Name)
        ):
            continue
        return False
    return True


def _is_method(node: ast.FunctionDef, tree: ast.Module) -> bool:
    return not any(node is top for top in tree.body)


def defines_code(code: str) -> bool:
    """Whether `code` parses and defines a function or a class at its top level."""
    try:
        tree = ast.parse(as_module(code))
    except (SyntaxError, ValueError):
        return False
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        for node in tree.body
    )


def joined_blocks(blocks: Sequence[str]) -> str:
    """Blocks one after the other, as one piece of code: no blank line slipped in between (it
    would end a line continued with a backslash)."""
    return "\n".join(block.rstrip("\n") for block in blocks)


def as_module(code: str) -> str:
    """A code segment as the student's file: dedented, without >>> prompts."""
    return strip_prompts(textwrap.dedent(code))


class SolutionCheck:
    """Runs a reply's code as the student's file and remembers every answer.

    For each new code segment, the files tried are: the segment alone; when it is not valid
    Python alone, the segment joined with the blocks just before it (a function cut in two by a
    sentence, or written partly in a fence and partly in a quote); all the reply's defining
    segments so far together (a solution split function by function); the student's own code
    followed by those (the missing function written for them); and, for a function body on
    its own, the student's code with it as the body of their function. Only a file that defines
    every name the tests need is run (any function or class when the names are unknown). A
    pass is no leak when the student's own code passes already.

    At most max_runs runs per reply, started only while the reply's sandbox time stays within
    seconds_per_reply; each run gets seconds_per_run, or the time that is left.
    """

    def __init__(
        self,
        run_code: RunCode,
        names: frozenset[str],
        student_code: str,
        *,
        language: str = "python",
        reference_code: str = "",
        max_runs: int = 6,
        seconds_per_reply: float = 1.0,
        seconds_per_run: float = 0.5,
    ) -> None:
        self._run_code = run_code
        self._names = names
        self._student_code = student_code
        self._language = language
        self._reference_code = reference_code
        self._blocks: list[str] = []
        self._defining: list[str] = []
        self._answers: dict[str, bool] = {}
        self._max_runs = max_runs
        self._seconds_per_reply = seconds_per_reply
        self._seconds_per_run = seconds_per_run
        self.runs = 0
        self.run_seconds = 0.0

    def passing_file(self, segment: str, only_public: bool, joinable: bool = True) -> str | None:
        """How a file made with `segment` passes the tests ("by itself", ...), or None.

        joinable=False for a piece that is no block of its own (one inline span in prose).
        """
        if self._language != "python":
            return self._passing_program(segment, only_public) if joinable else None
        earlier = list(self._blocks)
        if joinable:
            self._blocks.append(segment)
        if defined_names(segment) and as_module(segment) not in self._defining:
            # Examples that only call things would fail the file; a repeat adds nothing.
            self._defining.append(as_module(segment))
        for description, code in self._candidates(segment, earlier, only_public, joinable):
            if self._passes(code):
                return None if self._passes(self._student_code) else description
        return None

    def _candidates(
        self, segment: str, earlier: list[str], only_public: bool, joinable: bool
    ) -> Iterator[tuple[str, str]]:
        seen: set[str] = set()

        def fresh(code: str) -> bool:
            if code in seen or not self._could_pass(code):
                return False
            seen.add(code)
            return True

        alone = as_module(segment)
        if not only_public and fresh(alone):
            yield "by itself", alone
        if joinable and not _whole(segment):
            for count in range(1, min(len(earlier), MAX_JOINED_BLOCKS - 1) + 1):
                joined = as_module(joined_blocks([*earlier[-count:], segment]))
                if fresh(joined):
                    yield "joined with the code just before it", joined
        if joinable and self._student_code.strip() and not _whole(segment):
            for filled in filled_in(self._student_code, segment, self._names):
                if fresh(filled):
                    yield "as the body of the student's function", filled
        together = "\n\n".join(self._defining)
        if len(self._defining) > 1 and fresh(together):
            yield "together with the reply's earlier code", together
        if not only_public:
            for part in dict.fromkeys([alone, together]):
                for renamed in under_tested_names(part, self._names, self._reference_code):
                    if fresh(renamed):
                        yield "with its definitions under the names the tests use", renamed
        if self._student_code.strip():
            for part in (together, alone):
                defined = defined_names(part)
                if not (defined & self._names if self._names else defines_code(part)):
                    continue  # it writes nothing of what the tests take from the module
                if self._names <= defined:
                    continue  # complete without the student's code: tried above
                combined = f"{self._student_code}\n\n{part}"
                if fresh(combined):
                    yield "added to the student's code", combined

    def _could_pass(self, code: str) -> bool:
        if code in self._answers:
            return True
        if not self._names:
            return defines_code(code)
        return self._names <= defined_names(code)

    def _passing_program(self, segment: str, only_public: bool) -> str | None:
        """C, Java, JavaScript: the tests are a whole program's input and output, so a segment
        that is a whole program is run as the student's file."""
        code = textwrap.dedent(segment)
        if only_public or not get_language(self._language).looks_like_a_whole_program(code):
            return None
        if self._passes(code):
            return None if self._passes(self._student_code) else "by itself"
        return None

    def _passes(self, code: str) -> bool:
        if code in self._answers:
            return self._answers[code]
        if not code.strip():
            return False
        left = self._seconds_per_reply - self.run_seconds
        if self.runs >= self._max_runs or left < MIN_RUN_SECONDS:
            logger.info("guard: no sandbox time left in this reply for another code block")
            return False  # unanswered: not remembered, similarity still stands
        started = time.monotonic()
        try:
            answer = self._run_code(code, min(left, self._seconds_per_run))
        finally:
            self.runs += 1
            self.run_seconds += time.monotonic() - started
        self._answers[code] = answer
        return answer


def sandbox_runner(
    context: GuardContext, limits: Limits | None = None, config: SandboxConfig | None = None
) -> RunCode:
    """A run_code for the guard: the code as the student's file against all the tests.

    True when the run shows the code to be a solution (run_outcome.shows_a_solution: every
    test passed, or the guard's shorter time limit cut off a slow one after nearly all passed).
    A sandbox that can't run (busy, unavailable) counts as a fail: the similarity checks still
    stand, and a reply is not held up for a verification that can't happen.
    """
    tests = [
        SourceFile(name, code) for name, code in (*context.visible_tests, *context.hidden_tests)
    ]
    hidden_files = frozenset(name for name, _code in context.hidden_tests)
    base = limits or Limits()

    student_filename = get_language(context.language).student_filename(context.module_name)

    def run_code(code: str, seconds: float | None = None) -> bool:
        run_limits = base
        if seconds is not None and seconds < base.time_seconds:
            run_limits = _with_time(base, seconds)
        try:
            result = run_tests(
                context.language,
                [SourceFile(student_filename, code)],
                tests,
                run_limits,
                config=config,
            )
        except SandboxError as error:
            logger.warning("guard: the sandbox could not check a code block: %s", error)
            return False
        cut_short = run_limits.time_seconds < base.time_seconds
        return shows_a_solution(RunOutcome.of(result), hidden_files, cut_short)

    return run_code


def _with_time(limits: Limits, seconds: float) -> Limits:
    return replace(limits, time_seconds=max(seconds, MIN_RUN_SECONDS))
