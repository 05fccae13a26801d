"""The check similarity can't do: does the reply's code pass the exercise's tests?

A different algorithm that passes every test is as much a full solution as a copy. Running the
sandbox costs a tenth of a second or more, so only code that can pass is run: code that
defines every name the tests import from the student's module.
"""

import ast
import logging
import textwrap
from collections.abc import Sequence

from tutor.guard.models import GuardContext, RunCode
from tutor.guard.normalise import strip_prompts
from tutor.sandbox import Limits, SandboxConfig, SandboxError, SourceFile, run_tests
from tutor.sandbox.languages.programs import looks_like_a_whole_program, source_suffix

logger = logging.getLogger(__name__)


def required_names(test_files: Sequence[tuple[str, str]], module_name: str) -> frozenset[str]:
    """The names the tests take from the student's module (from M import x; M.x)."""
    names: set[str] = set()
    for _filename, code in test_files:
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == module_name:
                names.update(alias.name for alias in node.names if alias.name != "*")
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == module_name
            ):
                names.add(node.attr)
    return frozenset(names)


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


def as_module(code: str) -> str:
    """A code segment as the student's file: dedented, without >>> prompts."""
    return strip_prompts(textwrap.dedent(code))


class SolutionCheck:
    """Runs a reply's code segments as the student's file and remembers every answer.

    For a new segment that defines something the tests import, up to three files are tried:
    the segment alone; all the reply's segments so far together (a solution split over several
    blocks); and the student's own code followed by those segments (the missing function
    written for them). A pass is no leak when the student's own code passes already.
    """

    def __init__(
        self,
        run_code: RunCode,
        names: frozenset[str],
        student_code: str,
        language: str = "python",
    ) -> None:
        self._run_code = run_code
        self._names = names
        self._student_code = student_code
        self._language = language
        self._segments: list[str] = []
        self._answers: dict[str, bool] = {}

    def passing_file(self, segment: str, only_public: bool) -> str | None:
        """How a file made with `segment` passes the tests ("by itself", ...), or None."""
        if self._language != "python":
            return self._passing_program(segment, only_public)
        defined = defined_names(segment)
        earlier = list(self._segments)
        if defined:  # examples that only call things would fail the combined file
            self._segments.append(as_module(segment))
        if not defined & self._names or only_public:
            return None
        together = "\n\n".join(self._segments)
        candidates = []
        if defined >= self._names:
            candidates.append(("by itself", as_module(segment)))
        if earlier and defined_names(together) >= self._names:
            candidates.append(("together with the reply's earlier code", together))
        if self._student_code.strip():
            candidates.append(
                ("added to the student's code", f"{self._student_code}\n\n{together}")
            )
        for description, code in candidates:
            if self._passes(code):
                return None if self._passes(self._student_code) else description
        return None

    def _passing_program(self, segment: str, only_public: bool) -> str | None:
        """C, Java, JavaScript: the tests are a whole program's input and output, so a segment
        that is a whole program is run as the student's file."""
        code = textwrap.dedent(segment)
        if only_public or not looks_like_a_whole_program(self._language, code):
            return None
        if self._passes(code):
            return None if self._passes(self._student_code) else "by itself"
        return None

    def _passes(self, code: str) -> bool:
        if code not in self._answers:
            self._answers[code] = bool(code.strip()) and self._run_code(code)
        return self._answers[code]


def sandbox_runner(
    context: GuardContext, limits: Limits | None = None, config: SandboxConfig | None = None
) -> RunCode:
    """A run_code for the guard: the code as the student's file against all the tests.

    A sandbox that can't run (busy, unavailable) counts as a fail: the similarity checks still
    stand, and a reply is not held up for a verification that can't happen.
    """
    tests = [
        SourceFile(name, code) for name, code in (*context.visible_tests, *context.hidden_tests)
    ]

    def run_code(code: str) -> bool:
        try:
            result = run_tests(
                context.language,
                [SourceFile(context.module_name + source_suffix(context.language), code)],
                tests,
                limits,
                config=config,
            )
        except SandboxError as error:
            logger.warning("guard: the sandbox could not check a code block: %s", error)
            return False
        return result.passed

    return run_code
