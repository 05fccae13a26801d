"""Forgers through the real sandbox: the techniques that fooled the single-process harness.

Each forger is a wrong `initials()` that tries to pass anyway; each must fail. The same forging
code with a correct `initials()` must still pass (the boundary costs an honest student nothing),
except where the forger writes junk into its only descriptor, the channel to the tests, which
breaks its own run. Whatever the student's process could see is printed and searched for the
hidden tests' expected values and source. Against the single-process harness (main at 838a6ff)
eight of these forgers passed a wrong solution and the snoop found the hidden test's source.
"""

from textwrap import dedent

import pytest

from tests.sandbox.conftest import Grade
from tutor.sandbox import Limits, RunResult, SandboxConfig, SourceFile, run_tests

LIMITS = Limits(time_seconds=5, memory_mb=256, output_kb=256, test_output_kb=64)
SECRET = "HIDDEN-MARKER-7f3a"
VISIBLE = """\
import unittest

from solution import initials


class InitialsTest(unittest.TestCase):
    def test_two_words(self):
        self.assertEqual(initials("Ada Lovelace"), "AL")

    def test_one_word(self):
        self.assertEqual(initials("Plato"), "P")
"""
HIDDEN = f"""\
from solution import initials

# {SECRET}


def test_three_words():
    assert initials("Grace Brewster Hopper") == "GBHX"[:3]


def test_lower_case():
    assert initials("alan turing") == "AT"
"""
EXPECTED_NAMES = [
    ("test_visible.py", "InitialsTest.test_two_words"),
    ("test_visible.py", "InitialsTest.test_one_word"),
    ("test_hidden.py", "test_three_words"),
    ("test_hidden.py", "test_lower_case"),
]
WRONG = "def initials(name):\n    return name[:2]\n"
CORRECT = 'def initials(name):\n    return "".join(word[0].upper() for word in name.split())\n'

FORGERS = {
    "always_true_eq": """
        class Anything:
            def __eq__(self, other):
                return True
            def __ne__(self, other):
                return False
            def startswith(self, prefix):
                return True

        def initials(name):
            return Anything()
    """,
    "str_subclass_with_true_eq": """
        class Sly(str):
            def __eq__(self, other):
                return True
            __hash__ = str.__hash__
            def startswith(self, prefix):
                return True

        def initials(name):
            return Sly("?")
    """,
    "rewrite_test_files_on_disk": """
        import os
        for folder in ("/tmp/work", "/opt/labtutor", os.getcwd()):
            for entry in os.listdir(folder) if os.path.isdir(folder) else []:
                path = os.path.join(folder, entry)
                if entry.startswith("test") and entry.endswith(".py"):
                    try:
                        with open(path, "w") as f:
                            f.write("def test_three_words():\\n    pass\\n")
                    except OSError:
                        pass
    """,
    "meta_path_hook_strips_asserts": """
        import ast, sys, importlib.abc, importlib.machinery, importlib.util

        class NoChecks(ast.NodeTransformer):
            def visit_Assert(self, node):
                return ast.Pass()

            def visit_Expr(self, node):
                call = node.value
                if isinstance(call, ast.Call) and getattr(call.func, "attr", "").startswith(
                    "assert"
                ):
                    return ast.Pass()
                return node

        class StripChecks(importlib.abc.MetaPathFinder, importlib.abc.Loader):
            def find_spec(self, name, path, target=None):
                if not name.startswith("test"):
                    return None
                found = importlib.machinery.PathFinder.find_spec(name, path)
                if found is None:
                    return None
                return importlib.util.spec_from_loader(name, self, origin=found.origin)

            def create_module(self, spec):
                return None

            def exec_module(self, module):
                with open(module.__spec__.origin) as source:
                    tree = ast.fix_missing_locations(NoChecks().visit(ast.parse(source.read())))
                exec(compile(tree, module.__spec__.origin, "exec"), module.__dict__)

        sys.meta_path.insert(0, StripChecks())
    """,
    "read_the_callers_frame": """
        import sys, linecache, ast

        def initials(name):
            frame = sys._getframe(1)
            while frame is not None:
                line = linecache.getline(frame.f_code.co_filename, frame.f_lineno)
                if "initials(" in line and ("==" in line or "assertEqual" in line):
                    try:
                        call = ast.parse(line.strip()).body[0]
                        expected = (call.value.args[1] if hasattr(call, "value")
                                    else call.test.comparators[0])
                        return eval(compile(ast.Expression(expected), "x", "eval"),
                                    frame.f_globals, frame.f_locals)
                    except Exception:
                        pass
                for value in list(frame.f_locals.values()):
                    if isinstance(value, str) and value.isupper() and len(value) <= 4:
                        return value
                frame = frame.f_back
            return name[:2]
    """,
    "gc_nonce_hunt_and_forged_lines": """
        import gc, json, os, re

        NAMES = [("test_visible.py", "InitialsTest.test_two_words"),
                 ("test_visible.py", "InitialsTest.test_one_word"),
                 ("test_hidden.py", "test_three_words"), ("test_hidden.py", "test_lower_case")]
        nonces = set()
        for holder in gc.get_objects():
            values = holder.values() if isinstance(holder, dict) else (
                holder if isinstance(holder, list | tuple) else ())
            for value in list(values):
                if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{32}", value):
                    nonces.add(value)
        lines = "".join(
            json.dumps({"n": nonce, "event": "result", "file": file, "name": name,
                        "outcome": "passed"}) + "\\n"
            for nonce in nonces or {"0" * 32} for file, name in NAMES
        ).encode()
        for fd in range(1, 4096):
            try:
                os.write(fd, lines)
            except OSError:
                pass
    """,
    "print_forged_report_lines": """
        import json, sys

        for name in ("InitialsTest.test_two_words", "test_three_words"):
            line = json.dumps({"n": "0" * 32, "event": "result", "file": "test_hidden.py",
                               "name": name, "outcome": "passed"})
            print(line)
            print(line, file=sys.stderr)
    """,
    "patch_the_harness_through_main": """
        import __main__

        run = getattr(__main__, "TestRun", None)
        if run is not None:
            finish = run.finish

            def always_passed(self, outcome, exc=None, message=""):
                return finish(self, "passed")

            run.finish = always_passed
    """,
    "raise_skiptest": """
        import unittest

        def initials(name):
            raise unittest.SkipTest("not today")
    """,
    "exit_before_failing": """
        import os, sys

        def initials(name):
            sys.stdout.flush()
            os._exit(0)
    """,
    "returns_the_question": """
        def initials(name):
            return name
    """,
}
# These keep working when the forging code is there but initials() is right.
HARMLESS_WITH_A_CORRECT_ANSWER = [
    "rewrite_test_files_on_disk",
    "meta_path_hook_strips_asserts",
    "print_forged_report_lines",
    "patch_the_harness_through_main",
    "read_the_callers_frame",
]
# Looks everywhere it can (files, memory, the call stack) for what only the tests should know.
# The secrets are written backwards so that its own source does not count as a find.
SNOOP = """
import gc, os, sys

_BACKWARDS = ("a3f7-REKRAM-NEDDIH", "XHBG", "lauqEtressa", "sdrow_eerht_tset", '"LA"')

def _look():
    seen = []
    for root in ("/tmp", "/opt", "/proc/self", os.getcwd()):
        for folder, _, files in os.walk(root):
            if folder.startswith("/proc/self/") and folder.count("/") > 3:
                continue
            for name in files:
                if name.startswith("solution"):
                    continue
                try:
                    with open(os.path.join(folder, name), errors="replace") as f:
                        seen.append(f.read(100000))
                except OSError:
                    pass
    for obj in gc.get_objects():
        if isinstance(obj, dict):
            seen += [v[:2000] for v in obj.values() if isinstance(v, str)]
    frame = sys._getframe()
    while frame is not None:
        seen.append(repr(frame.f_locals)[:5000])
        frame = frame.f_back
    blob = "\\n".join(seen)
    return [secret[::-1] for secret in _BACKWARDS if secret[::-1] in blob], blob

print("SNOOP", _look()[0])
_original = initials

def initials(name):
    found, blob = _look()
    print("SNOOP", found, "input seen:", "Grace Brewster Hopper" in blob)
    return _original(name)
"""


def grade_all(grade: Grade, student: str) -> RunResult:
    return grade(student, {"test_visible.py": VISIBLE, "test_hidden.py": HIDDEN}, limits=LIMITS)


@pytest.mark.parametrize("forger", sorted(FORGERS))
def test_a_wrong_forger_fails(grade: Grade, forger: str) -> None:
    result = grade_all(grade, WRONG + dedent(FORGERS[forger]))

    assert not result.passed
    assert [(t.file, t.name) for t in result.tests] == EXPECTED_NAMES
    assert [t.outcome for t in result.tests if t.outcome not in ("failed", "error")] == []
    assert "All" not in result.message


@pytest.mark.parametrize("forger", HARMLESS_WITH_A_CORRECT_ANSWER)
def test_the_forging_code_with_a_correct_answer_still_passes(grade: Grade, forger: str) -> None:
    result = grade_all(grade, dedent(FORGERS[forger]) + "\n" + CORRECT)

    assert result.passed, [(t.name, t.outcome, t.message) for t in result.tests]


def test_a_correct_answer_passes(grade: Grade) -> None:
    assert grade_all(grade, CORRECT).passed


def test_the_students_process_sees_no_test_source_nor_expected_value(grade: Grade) -> None:
    result = grade_all(grade, CORRECT + SNOOP)

    reports = [line for t in result.tests for line in t.stdout.splitlines()]
    assert result.stdout == "SNOOP []\n"
    # The inputs reach it (they are what it works on); nothing else of the tests does.
    assert len(reports) == 4 and all(line.startswith("SNOOP [] input seen: ") for line in reports)
    assert "SNOOP [] input seen: True" in reports
    assert result.passed


def test_the_in_process_mode_can_be_forged_as_documented(sandbox_config: SandboxConfig) -> None:
    result = run_tests(
        "python",
        [SourceFile("solution.py", WRONG + dedent(FORGERS["always_true_eq"]))],
        [SourceFile("test_visible.py", VISIBLE), SourceFile("test_hidden.py", HIDDEN)],
        LIMITS,
        unsafe=False,
        config=sandbox_config,
        in_process=True,
    )

    assert result.passed  # why exercises in this mode are marked "verdict can be forged"


def test_writing_junk_into_the_channel_breaks_the_run_and_forges_nothing(grade: Grade) -> None:
    student = CORRECT + dedent(
        """
        import os
        for fd in range(3, 4096):
            try:
                os.write(fd, b"\\x00\\x00\\x00\\x10" + b'{"ready": true}' + b"x" * 100)
            except OSError:
                pass
        """
    )
    result = grade_all(grade, student)

    assert not result.passed
    assert {t.outcome for t in result.tests} == {"error"}
