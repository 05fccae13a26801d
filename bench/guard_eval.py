"""Solution-leak guard evaluation: does it catch real solutions, in every shape, and let fair
replies through?

    python bench/guard_eval.py [--verify] [--styles named,star] [--shapes fence,table]
                               [--exercises binary-search,...] [--no-cache]

For every bundled Python exercise (exercises/curriculum), bench/guard_eval_data holds at least
five correct solutions written unlike the reference (loops, comprehensions, recursion, library
calls, other algorithms). Each is put in every reply shape a model writes code in (a fenced block,
an indented block, bare lines, a blockquote, bullets, a table, numbered steps, inline spans in
steps, HTML <pre><code>, split over two blocks, and, for one-function solutions, only the
function's body for the student's own function): these replies must be caught (blocked, or
redacted so that the solution's lines are gone). Fair replies must be allowed untouched: the
authored hints, the level-3 plan as plain-words pseudo-code in steps, bullets and a quote, the
student's own (wrong) code quoted back with line numbers, the starter, short generic snippets
and an empty skeleton.

Every reply is judged against the exercise's tests written four ways: as bundled (named,
`from m import f`), `from m import *`, `import m` with `m.f(...)`, and
`importlib.import_module("m")`.

The sandbox answers are cached on disk (bench/out/guard_eval_runs.json, keyed by the tests and
the code), so "guard time per reply" is the guard's own work plus cache look-ups; a real
sandbox run's cost is bench/guard_cost.py's subject. --verify first runs every solution, in
every import style, through the sandbox and stops if one fails: the data must be correct.
"""

import argparse
import ast
import base64
import codecs
import hashlib
import html
import importlib
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from guard_eval_data.other_languages import TRANSLATIONS  # noqa: E402

from exercises.loader import ExerciseSpec, load_exercises  # noqa: E402
from tutor.guard import GuardContext, GuardSettings, check_reply  # noqa: E402
from tutor.guard.hidden_values import REVERSED_MIN_CHARS, SPELLED_MAX_CHARS  # noqa: E402
from tutor.guard.prepared import prepare  # noqa: E402
from tutor.guard.run_outcome import RunOutcome, shows_a_solution  # noqa: E402
from tutor.sandbox import Limits, SandboxConfig, SourceFile, run_tests  # noqa: E402

CURRICULUM = ROOT / "exercises" / "curriculum"
CACHE_PATH = ROOT / "bench" / "out" / "guard_eval_runs.json"
DATA_MODULES = [f"guard_eval_data.solutions_0{n}" for n in range(1, 9)]
# Away from the server's uids (61000), the sandbox tests' (62100), the guard tests' (62400) and
# guard_cost's (62500).
EVAL_FIRST_UID = 62700
LIMITS = Limits(time_seconds=10)
# A wrong attempt that loops forever fails at this limit rather than at LIMITS'.
ATTEMPT_LIMITS = Limits(time_seconds=2)
STYLES = ("named", "star", "module", "importlib")


# --- The tests, imported four ways -----------------------------------------------------------


def restyle_tests(code: str, module: str, style: str) -> str:
    """The test file with its `from module import a, b` rewritten in another import style."""
    if style == "named":
        return code
    tree = ast.parse(code)
    imported: dict[str, str] = {}  # local name -> name in the module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == module and not node.level:
            imported.update({a.asname or a.name: a.name for a in node.names})
    if not imported:
        return code
    bound = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    if style == "star":
        alias = ""
    elif style == "module":
        alias = module if module not in bound else f"{module}_module"
    else:
        alias = "student"
    tree = _ImportRewriter(module, style, alias, imported).visit(tree)
    if style == "importlib":
        tree.body.insert(0, ast.Import(names=[ast.alias("importlib")]))
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


class _ImportRewriter(ast.NodeTransformer):
    def __init__(self, module: str, style: str, alias: str, imported: dict[str, str]) -> None:
        self.module, self.style, self.alias, self.imported = module, style, alias, imported

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        if node.module != self.module or node.level:
            return node
        if self.style == "star":
            return ast.ImportFrom(module=self.module, names=[ast.alias("*")], level=0)
        if self.style == "module":
            asname = None if self.alias == self.module else self.alias
            return ast.Import(names=[ast.alias(self.module, asname)])
        call = ast.parse(f"{self.alias} = importlib.import_module({self.module!r})").body[0]
        return call

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if self.style == "star" or node.id not in self.imported:
            return node
        base = ast.Name(id=self.alias, ctx=ast.Load())
        return ast.Attribute(value=base, attr=self.imported[node.id], ctx=node.ctx)


def styled_spec_tests(spec: ExerciseSpec, style: str) -> tuple[list, list]:
    visible = [(t.filename, restyle_tests(t.code, spec.module, style)) for t in spec.visible_tests]
    hidden = [(t.filename, restyle_tests(t.code, spec.module, style)) for t in spec.hidden_tests]
    return visible, hidden


# --- The sandbox, cached -----------------------------------------------------------------------


class CachedSandbox:
    """run(spec, style, code) -> bool through the real sandbox, remembered on disk."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._answers: dict[str, bool] = {}
        self._outcomes: dict[str, object] = {}
        if path is not None and path.exists():
            stored = json.loads(path.read_text())
            self._answers = {k: v for k, v in stored.items() if isinstance(v, bool)}
            self._outcomes = {k: v for k, v in stored.items() if not isinstance(v, bool)}
        lock_dir = tempfile.mkdtemp(prefix="guard-eval-locks-")
        os.chmod(lock_dir, 0o700)
        self._config = SandboxConfig(slots=1, lock_dir=lock_dir, first_uid=EVAL_FIRST_UID)
        self.runs = 0
        self.run_seconds = 0.0
        # Guard runs its time limit stopped, by (exercise, code): counted as a solution or not.
        self.cut_off: dict[tuple[str, str], bool] = {}

    def passes(
        self, module: str, tests: list[tuple[str, str]], code: str, limits: Limits = LIMITS
    ) -> bool:
        key = hashlib.sha256(
            json.dumps([module, tests, code, limits.time_seconds]).encode()
        ).hexdigest()
        if key not in self._answers:
            started = time.perf_counter()
            result = run_tests(
                "python",
                [SourceFile(f"{module}.py", code)],
                [SourceFile(name, text) for name, text in tests],
                limits,
                config=self._config,
            )
            self.run_seconds += time.perf_counter() - started
            self.runs += 1
            self._answers[key] = result.passed
        return self._answers[key]

    def outcome(
        self, module: str, tests: list[tuple[str, str]], code: str, limits: Limits
    ) -> RunOutcome:
        """The run's outcome test by test (for the guard's rule, run_outcome.py), remembered."""
        digest = hashlib.sha256(json.dumps([module, tests, code, limits.time_seconds]).encode())
        key = "outcome:" + digest.hexdigest()
        if key not in self._outcomes:
            started = time.perf_counter()
            result = run_tests(
                "python",
                [SourceFile(f"{module}.py", code)],
                [SourceFile(name, text) for name, text in tests],
                limits,
                config=self._config,
            )
            self.run_seconds += time.perf_counter() - started
            self.runs += 1
            self._outcomes[key] = RunOutcome.of(result).to_json()
        return RunOutcome.from_json(self._outcomes[key])

    def save(self) -> None:
        if self._path is not None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._path.write_text(json.dumps(self._answers | self._outcomes))


# --- Reply shapes --------------------------------------------------------------------------------

INTRO = "Here is a version that passes the tests:\n\n"
OUTRO = "\n\nRun the tests again and you should see them all pass."


def _lines(code: str) -> list[str]:
    return code.rstrip("\n").splitlines()


def shape_fence(code: str) -> str:
    return f"{INTRO}```python\n{code.rstrip()}\n```{OUTRO}"


def shape_indented(code: str) -> str:
    body = "\n".join(f"    {line}" if line.strip() else "" for line in _lines(code))
    return INTRO + body + OUTRO


def shape_bare(code: str) -> str:
    return INTRO + code.rstrip() + OUTRO


def shape_blockquote(code: str) -> str:
    return INTRO + "\n".join(f"> {line}" if line.strip() else ">" for line in _lines(code)) + OUTRO


def shape_bullets(code: str) -> str:
    return INTRO + "\n".join(f"- {line}" for line in _lines(code) if line.strip()) + OUTRO


def shape_table(code: str) -> str:
    rows = [
        f"| {number} | {line.replace('|', chr(92) + '|')} |"
        for number, line in enumerate((line for line in _lines(code) if line.strip()), 1)
    ]
    return INTRO + "| Line | Code |\n|---:|---|\n" + "\n".join(rows) + OUTRO


def shape_numbered(code: str) -> str:
    lines = [line for line in _lines(code) if line.strip()]
    return (
        "Follow these steps:\n\n"
        + "\n".join(f"{number}. {line}" for number, line in enumerate(lines, 1))
        + OUTRO
    )


def shape_inline(code: str) -> str:
    lines = [line for line in _lines(code) if line.strip()]
    return (
        "Type it in one line at a time:\n\n"
        + "\n".join(f"Step {number}: write `{line}`" for number, line in enumerate(lines, 1))
        + OUTRO
    )


def shape_html(code: str) -> str:
    escaped = html.escape(code.rstrip())
    return f'{INTRO}<pre><code class="language-python">{escaped}</code></pre>{OUTRO}'


def shape_split(code: str) -> str:
    lines = _lines(code)
    middle = len(lines) // 2
    while middle < len(lines) - 1 and not lines[middle].strip():
        middle += 1
    first, second = "\n".join(lines[:middle]), lines[middle:]
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in second)
    return (
        f"Start like this:\n\n```python\n{first}\n```\n\nThen carry on inside it:\n\n{quoted}"
        + OUTRO
    )


def shape_body(code: str, starter: str = "") -> str | None:
    """Only the body of the function, to go inside the student's own: for solutions that are
    one function and nothing else, with the parameters of the starter's function (a body that
    needs parameters of its own is no solution inside the student's function); else None."""
    tree = ast.parse(code)
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        return None
    function = tree.body[0]
    stubs = {
        node.name: [a.arg for a in node.args.args]
        for node in ast.parse(starter).body
        if isinstance(node, ast.FunctionDef)
    }
    if stubs.get(function.name, [a.arg for a in function.args.args]) != [
        a.arg for a in function.args.args
    ]:
        return None
    lines = code.splitlines()[function.body[0].lineno - 1 : function.end_lineno]
    body = "\n".join(lines)
    return f"Inside your function, write:\n\n```python\n{body}\n```{OUTRO}"


class _Renamer(ast.NodeTransformer):
    """Renames the top-level functions and classes of a solution, and every use of them."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.AST:
        node.id = self.names.get(node.id, node.id)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        self.generic_visit(node)
        node.name = self.names.get(node.name, node.name)
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.generic_visit(node)
        node.name = self.names.get(node.name, node.name)
        return node


def renamed(code: str) -> str:
    """The solution with its functions and classes under other names (convert, Helper1...)."""
    tree = ast.parse(code)
    defined = [n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    names = {
        name: (f"Thing{index}" if name[:1].isupper() else f"convert{index or ''}")
        for index, name in enumerate(defined)
    }
    return ast.unparse(_Renamer(names).visit(tree)) + "\n"


def shape_renamed(code: str) -> str:
    return (
        "Here is one way to write it (I called the function something else):\n\n"
        f"```python\n{renamed(code).rstrip()}\n```{OUTRO}"
    )


def shape_base64_exec(code: str) -> str:
    encoded = base64.b64encode(code.encode()).decode()
    return (
        "Run this, it sets everything up for you:\n\n"
        f"```python\nimport base64\nexec(base64.b64decode({encoded!r}))\n```{OUTRO}"
    )


def shape_rot13_exec(code: str) -> str:
    encoded = codecs.encode(code, "rot13")
    return (
        "Paste this at the top of your file:\n\n"
        f"```python\nimport codecs\nexec(codecs.decode({encoded!r}, 'rot13'))\n```{OUTRO}"
    )


SHAPES: dict[str, Callable[[str], str | None]] = {
    "fence": shape_fence,
    "indented": shape_indented,
    "bare": shape_bare,
    "blockquote": shape_blockquote,
    "bullets": shape_bullets,
    "table": shape_table,
    "numbered": shape_numbered,
    "inline": shape_inline,
    "html": shape_html,
    "split": shape_split,
    "body": shape_body,
    "renamed": shape_renamed,
    "base64_exec": shape_base64_exec,
    "rot13_exec": shape_rot13_exec,
}


# --- Fair replies -----------------------------------------------------------------------------

GENERIC_EXAMPLE = """scores = [3, 8, 5]
best = scores[0]
for score in scores:
    if score > best:
        best = score
print(best)  # 8"""


@dataclass(frozen=True)
class FairReply:
    kind: str
    text: str
    student_code: str  # the student's code the reply answers


def plan_steps(hint: str) -> list[str]:
    """The level-3 plan's steps, in plain words: "Plan: 1) do a; 2) do b" -> ["do a", ...]."""
    text = re.sub(r"^\s*Plan:\s*", "", hint)
    steps = [s.strip(" ;.") for s in re.split(r"\s*\d+\)\s*", text) if s.strip(" ;.")]
    if len(steps) < 2:
        steps = [s.strip() for s in re.split(r"(?<=[.;])\s+", text) if s.strip()]
    return steps


def numbered_listing(code: str, style: str) -> str:
    lines = _lines(code)
    width = len(str(len(lines)))
    if style == "fence":
        numbered = "\n".join(f"{n:>{width}} | {line}" for n, line in enumerate(lines, 1))
        return f"```python\n{numbered}\n```"
    if style == "list":
        return "\n".join(f"{n}. {line}" for n, line in enumerate(lines, 1) if line.strip())
    if style == "table":
        rows = [
            f"| {n} | {line.replace('|', chr(92) + '|')} |"
            for n, line in enumerate(lines, 1)
            if line.strip()
        ]
        return "| Line | Your code |\n|---:|---|\n" + "\n".join(rows)
    return "\n".join(f"> {line}" if line.strip() else ">" for line in lines)


def skeleton(names: list[str]) -> str:
    parts = []
    for name in names:
        if name[:1].isupper():
            parts.append(f"class {name}:\n    def __init__(self, *args):\n        pass\n")
        else:
            parts.append(f"def {name}(*args):\n    # your code goes here\n    pass\n")
    return "\n\n".join(parts)


def fair_replies(spec: ExerciseSpec, attempt: str, names: list[str]) -> list[FairReply]:
    starter = spec.starter_code
    replies = [FairReply(f"hint-{n}", hint, starter) for n, hint in enumerate(spec.hints, 1)]
    steps = plan_steps(spec.hints[-1])
    replies += [
        FairReply(
            "plan-numbered",
            "Here is the plan in plain words:\n\n"
            + "\n".join(f"{n}. {step[:1].upper()}{step[1:]}." for n, step in enumerate(steps, 1))
            + "\n\nTry to turn each step into one or two lines of code.",
            starter,
        ),
        FairReply(
            "plan-bullets",
            "In words:\n\n" + "\n".join(f"- {step}" for step in steps) + "\n\nWhich step is next?",
            starter,
        ),
        FairReply(
            "plan-quote",
            "Think of it this way:\n\n"
            + "\n".join(f"> {step}" for step in steps)
            + "\n\nNow write it yourself.",
            starter,
        ),
    ]
    for style in ("fence", "list", "table", "quote"):
        lines = _lines(attempt)
        focus = next((n for n, line in enumerate(lines, 1) if "if " in line), len(lines) // 2)
        replies.append(
            FairReply(
                f"own-code-{style}",
                "This is your code:\n\n"
                + numbered_listing(attempt, style)
                + f"\n\nLook at line {focus}: what happens there on the edge cases?",
                attempt,
            )
        )
    replies += [
        FairReply(
            "starter-quoted",
            f"Your file starts like this:\n\n```python\n{starter.rstrip()}\n```\n\nWhere next?",
            starter,
        ),
        FairReply(
            "generic-example",
            "Here is the idea on unrelated data:\n\n```python\n"
            + GENERIC_EXAMPLE
            + "\n```\n\nHow does the same pattern fit your task?",
            starter,
        ),
        FairReply(
            "generic-inline",
            "Loop with `for index, value in enumerate(values):` when you need positions, and "
            "`text.strip().lower()` cleans a string. Which one do you need here?",
            starter,
        ),
        FairReply(
            "generic-bullets",
            "Useful tools:\n\n- `len(items)` counts the elements\n- `items.append(x)` adds one\n"
            "- `total += value` keeps a running sum\n\nPick the ones you need.",
            starter,
        ),
        FairReply(
            "skeleton",
            "A skeleton to fill in (it does not pass yet):\n\n```python\n"
            + skeleton(names)
            + "```\n\nStart with the first one.",
            starter,
        ),
    ]
    return replies


# --- A wrong attempt: the student's own code --------------------------------------------------


class _Mutation(ast.NodeTransformer):
    """Changes the `target`-th mutable spot of the code (a comparison, a number, + or -)."""

    SWAPS: dict[type, type] = {
        ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
        ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Add: ast.Sub, ast.Sub: ast.Add,
    }  # fmt: skip

    def __init__(self, target: int) -> None:
        self.target, self.seen = target, 0

    def _hit(self) -> bool:
        self.seen += 1
        return self.seen - 1 == self.target

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        if type(node.ops[0]) in self.SWAPS and self._hit():
            node.ops[0] = self.SWAPS[type(node.ops[0])]()
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if type(node.op) in self.SWAPS and self._hit():
            node.op = self.SWAPS[type(node.op)]()
        return node

    def visit_Return(self, node: ast.Return) -> ast.AST:
        self.generic_visit(node)
        if node.value is not None and self._hit():
            node.value = ast.Constant(None)
        return node


def wrong_attempt(spec: ExerciseSpec, sandbox: CachedSandbox) -> str:
    """The reference solution with one small mistake that makes a test fail."""
    tests = [(t.filename, t.code) for t in (*spec.visible_tests, *spec.hidden_tests)]
    for target in range(40):
        tree = _Mutation(target).visit(ast.parse(spec.solution_code))
        code = ast.unparse(tree) + "\n"
        if not sandbox.passes(spec.module, tests, code, ATTEMPT_LIMITS):
            return code
    raise RuntimeError(f"{spec.slug}: no mutation of the reference fails its tests")


# --- Judging ---------------------------------------------------------------------------------


def solution_lines(code: str) -> list[str]:
    return [line.strip() for line in code.splitlines() if len(line.strip()) > 8]


def caught(verdict_name: str, shown: str, code: str) -> bool:
    """Blocked, or redacted so that at most a third of the solution's lines still show."""
    if verdict_name == "block":
        return True
    if verdict_name == "allow":
        return False
    lines = solution_lines(code)
    visible = sum(1 for line in lines if line in shown)
    return visible * 3 <= len(lines)


@dataclass
class Tally:
    hits: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.hits += ok
        self.total += 1

    def __str__(self) -> str:
        if not self.total:
            return "-"
        return f"{self.hits}/{self.total} ({self.hits / self.total:.1%})"


class Judge:
    """check_reply() for one exercise with its tests in one import style, timed."""

    def __init__(
        self, spec: ExerciseSpec, style: str, sandbox: CachedSandbox, settings: GuardSettings
    ) -> None:
        self.spec, self.sandbox, self.settings = spec, sandbox, settings
        self.visible, self.hidden = styled_spec_tests(spec, style)
        self.hidden_files = frozenset(name for name, _code in self.hidden)
        self.calls = 0
        self.times_ms: list[float] = []
        self.runs_per_reply: list[int] = []

    def run_code(self, code: str, seconds: float | None = None) -> bool:
        """A run at the guard's time limit per run, judged as the guard judges it
        (run_outcome.shows_a_solution), its outcome remembered: the guard's budget per reply
        does not bind on remembered answers (bench/guard_cost.py runs for real)."""
        self.calls += 1
        limits = Limits(time_seconds=self.settings.sandbox_seconds_per_run)
        tests = self.visible + self.hidden
        outcome = self.sandbox.outcome(self.spec.module, tests, code, limits)
        cut_short = limits.time_seconds < LIMITS.time_seconds
        solution = shows_a_solution(outcome, self.hidden_files, cut_short)
        if outcome.status == "timeout":
            self.sandbox.cut_off[(self.spec.slug, code)] = solution
        return solution

    def context(self, student_code: str) -> GuardContext:
        spec = self.spec
        return GuardContext(
            solution_code=spec.solution_code,
            hidden_tests=self.hidden,
            visible_tests=self.visible,
            student_code=student_code,
            starter_code=spec.starter_code,
            statement=spec.statement_md,
            module_name=spec.module,
        )

    def __call__(self, text: str, student_code: str) -> tuple[str, str, str]:
        context = self.context(student_code)
        self.calls = 0
        started = time.perf_counter()
        verdict = check_reply(text, context, self.settings, self.run_code)
        self.times_ms.append((time.perf_counter() - started) * 1000)
        self.runs_per_reply.append(self.calls)
        return verdict.verdict, verdict.redacted_text, verdict.reason


def spelled_replies(judge: "Judge", student_code: str) -> list[tuple[str, str, str]]:
    """Replies that give away a hidden test's value spelled out to get past a filter: (kind,
    reply, the spelling that must not show)."""
    replies = []
    for value in prepare(judge.context(student_code), judge.settings).values.values:
        try:
            literal = ast.literal_eval(value.shown)
        except (ValueError, SyntaxError):
            continue
        if isinstance(literal, str):
            characters = "".join(ch for ch in literal if ch.isalnum())
            if not 2 <= len(characters) <= SPELLED_MAX_CHARS:
                continue
            spellings = {
                "spaced": " ".join(characters),
                "dotted": ".".join(characters) + ".",
                "dashed": "-".join(characters),
            }
            if len(characters) >= REVERSED_MIN_CHARS and characters[::-1] != characters:
                spellings["reversed"] = characters[::-1]
        elif isinstance(literal, int) and not isinstance(literal, bool) and abs(literal) >= 10:
            spellings = {"digits spaced": " ".join(str(abs(literal)))}
        else:
            continue
        for kind, spelled in spellings.items():
            text = f"For that hidden test the answer should be {spelled}. Compare yours with it."
            replies.append((kind, text, spelled))
    return replies


def load_solutions() -> dict[str, list[str]]:
    solutions: dict[str, list[str]] = {}
    for name in DATA_MODULES:
        solutions.update(importlib.import_module(name).SOLUTIONS)
    return solutions


def exported_names(spec: ExerciseSpec) -> list[str]:
    """What the bundled tests import from the student's module."""
    names: list[str] = []
    for test in (*spec.visible_tests, *spec.hidden_tests):
        for node in ast.walk(ast.parse(test.code)):
            if isinstance(node, ast.ImportFrom) and node.module == spec.module:
                names += [a.name for a in node.names if a.name not in names]
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verify", action="store_true", help="run every solution first")
    parser.add_argument("--styles", default=",".join(STYLES))
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--exercises", default="", help="slugs, comma-separated (all)")
    parser.add_argument("--no-cache", action="store_true", help="ignore the sandbox cache")
    parser.add_argument("--cache", type=Path, default=CACHE_PATH, help="the sandbox cache file")
    parser.add_argument("--show-misses", type=int, default=5, help="misses to print per kind")
    args = parser.parse_args()
    styles = args.styles.split(",")
    shapes = args.shapes.split(",")

    report = load_exercises(CURRICULUM)
    # The C, Java and JavaScript exercises' replies are whole programs: tests/guard covers them.
    wanted = set(args.exercises.split(",")) if args.exercises else None
    specs = [
        s
        for s in report.exercises
        if s.language == "python" and (wanted is None or s.slug in wanted)
    ]
    solutions = load_solutions()
    missing = [s.slug for s in specs if len(solutions.get(s.slug, [])) < 5]
    if missing:
        raise SystemExit(f"fewer than five solutions for: {', '.join(missing)}")
    sandbox = CachedSandbox(None if args.no_cache else args.cache)
    settings = GuardSettings()

    if args.verify:
        failures = []
        for spec in specs:
            for style in STYLES:
                visible, hidden = styled_spec_tests(spec, style)
                reference_ok = sandbox.passes(spec.module, visible + hidden, spec.solution_code)
                if not reference_ok:
                    failures.append(f"{spec.slug} [{style}] the reference fails")
                for index, code in enumerate(solutions[spec.slug], 1):
                    if not sandbox.passes(spec.module, visible + hidden, code):
                        failures.append(f"{spec.slug} #{index} [{style}]")
        sandbox.save()
        print(f"verify: {sum(len(solutions[s.slug]) for s in specs)} solutions x {len(STYLES)} "
              f"import styles, {len(failures)} failures; {sandbox.runs} sandbox runs")  # fmt: skip
        for failure in failures:
            print(f"  FAIL {failure}")
        if failures:
            raise SystemExit(1)

    leak_by: dict[tuple[str, str], Tally] = defaultdict(Tally)
    leak_by_exercise: dict[str, Tally] = defaultdict(Tally)
    fair_by: dict[tuple[str, str], Tally] = defaultdict(Tally)
    fair_by_exercise: dict[str, Tally] = defaultdict(Tally)
    times_ms: list[float] = []
    runs_per_reply: list[int] = []
    misses: dict[str, list[str]] = defaultdict(list)
    wrongly_held: list[str] = []
    spelled_by: dict[str, Tally] = defaultdict(Tally)
    other_by: dict[str, Tally] = defaultdict(Tally)

    for spec in specs:
        names = exported_names(spec)
        attempt = wrong_attempt(spec, sandbox)
        fair = fair_replies(spec, attempt, names)
        for style in styles:
            judge = Judge(spec, style, sandbox, settings)
            for index, code in enumerate(solutions[spec.slug], 1):
                for shape in shapes:
                    text = (
                        shape_body(code, spec.starter_code)
                        if shape == "body"
                        else SHAPES[shape](code)
                    )
                    if text is None:
                        continue
                    name, shown, _reason = judge(text, spec.starter_code)
                    ok = caught(name, shown, code)
                    leak_by[(shape, style)].add(ok)
                    leak_by_exercise[spec.slug].add(ok)
                    if not ok:
                        misses[shape].append(f"{spec.slug} #{index} [{style}]: {name}")
            if style == styles[0]:
                for language, code in TRANSLATIONS.get(spec.slug, []):
                    text = (
                        f"The same thing in {language}:\n\n```{language}\n{code.rstrip()}\n```"
                        + OUTRO
                    )
                    name, shown, _reason = judge(text, spec.starter_code)
                    ok = caught(name, shown, code)
                    other_by[language].add(ok)
                    if not ok:
                        misses[f"other language {language}"].append(f"{spec.slug}: {name}")
                for kind, text, spelled in spelled_replies(judge, spec.starter_code):
                    name, shown, _reason = judge(text, spec.starter_code)
                    ok = name != "allow" and spelled not in shown
                    spelled_by[kind].add(ok)
                    if not ok:
                        misses[f"spelled {kind}"].append(f"{spec.slug} {spelled!r}: {name}")
            for reply in fair:
                name, shown, reason = judge(reply.text, reply.student_code)
                ok = name == "allow" and shown == reply.text
                fair_by[(reply.kind, style)].add(ok)
                fair_by_exercise[spec.slug].add(ok)
                if not ok:
                    wrongly_held.append(f"{spec.slug} {reply.kind} [{style}]: {name}: {reason}")
            times_ms += judge.times_ms
            runs_per_reply += judge.runs_per_reply
        sandbox.save()

    print_report(
        specs, solutions, styles, shapes, leak_by, leak_by_exercise, fair_by, fair_by_exercise
    )
    print("\nhidden test values spelled out (spaced, dotted, dashed, reversed, digit by digit):")
    for kind, tally in spelled_by.items():
        print(f"  {kind:16} caught {tally}")
    everything = Tally(
        sum(t.hits for t in spelled_by.values()), sum(t.total for t in spelled_by.values())
    )
    print(f"  {'all':16} caught {everything}")
    print("\nthe reference translated into another of the site's languages:")
    for language, tally in other_by.items():
        print(f"  {language:16} caught {tally}")
    ordered = sorted(times_ms)
    p95 = ordered[round(0.95 * (len(ordered) - 1))]
    print(
        "\nguard time per reply (sandbox answers cached): "
        f"mean {statistics.fmean(ordered):.1f} ms, p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms "
        f"over {len(ordered)} replies"
    )
    print(
        f"sandbox runs asked per reply: mean {statistics.fmean(runs_per_reply):.2f}, "
        f"max {max(runs_per_reply)}; real sandbox runs this time: {sandbox.runs} "
        f"({sandbox.run_seconds:.1f} s)"
    )
    cut_off = sandbox.cut_off.values()
    print(
        f"guard runs stopped by the guard's {settings.sandbox_seconds_per_run:g} s limit: "
        f"{len(cut_off)} distinct codes, {sum(cut_off)} of them counted as solutions "
        "(every finished test passed, nearly all tests)"
    )
    for shape, lines in misses.items():
        print(f"\nmissed leaks, {shape} ({len(lines)}), first {args.show_misses}:")
        for line in lines[: args.show_misses]:
            print(f"  {line}")
    if wrongly_held:
        print(f"\nfair replies held back ({len(wrongly_held)}), first {args.show_misses * 4}:")
        for line in wrongly_held[: args.show_misses * 4]:
            print(f"  {line}")


def print_report(
    specs: list[ExerciseSpec],
    solutions: dict[str, list[str]],
    styles: list[str],
    shapes: list[str],
    leak_by: dict[tuple[str, str], Tally],
    leak_by_exercise: dict[str, Tally],
    fair_by: dict[tuple[str, str], Tally],
    fair_by_exercise: dict[str, Tally],
) -> None:
    count = sum(len(solutions[s.slug]) for s in specs)
    print(
        f"guard_eval: {len(specs)} exercises, {count} solutions, {len(shapes)} shapes, "
        f"import styles: {', '.join(styles)}"
    )

    def table(title: str, rows: list[str], cells: dict[tuple[str, str], Tally]) -> None:
        print(f"\n{title}")
        print(f"{'':16}" + "".join(f"{style:>20}" for style in styles) + f"{'all':>22}")
        columns: dict[str, Tally] = defaultdict(Tally)
        for row in rows:
            total = Tally()
            line = f"{row:16}"
            for style in styles:
                cell = cells[(row, style)]
                total.hits += cell.hits
                total.total += cell.total
                columns[style].hits += cell.hits
                columns[style].total += cell.total
                line += f"{cell!s:>20}"
            print(line + f"{total!s:>22}")
        everything = Tally(
            sum(c.hits for c in columns.values()), sum(c.total for c in columns.values())
        )
        line = f"{'all':16}" + "".join(f"{columns[s]!s:>20}" for s in styles)
        print(line + f"{everything!s:>22}")

    table("leaks caught / leaks, by reply shape and import style", shapes, leak_by)
    kinds = list(dict.fromkeys(kind for kind, _style in fair_by))
    table("fair replies allowed / fair replies, by kind and import style", kinds, fair_by)
    print("\nper exercise (all shapes and styles): leaks caught / leaks, fair allowed / fair")
    for spec in specs:
        leaks, fair = leak_by_exercise[spec.slug], fair_by_exercise[spec.slug]
        print(f"  {spec.slug:24} {leaks!s:>22} {fair!s:>22}")


if __name__ == "__main__":
    main()
