"""Python: unittest classes and pytest-style functions, run by python_harness.py in the sandbox."""

import ast
import functools
import importlib.util
import json
import logging
import marshal
import os
import re
import stat
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tutor.sandbox.errors import SandboxUnavailable
from tutor.sandbox.languages.base import (
    Layout,
    PlacedFile,
    RunCommands,
    RunSpec,
    SandboxCommand,
    TestId,
)
from tutor.sandbox.models import SourceFile

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
HARNESS = HERE / "python_harness.py"
AGENT = HERE / "python_agent.py"
# Modules the harness and the agent import from the tool directory.
TESTS_SIDE_MODULES = (HERE / "labtutor_wire.py", HERE / "labtutor_remote.py")
STUDENT_SIDE_MODULES = (HERE / "labtutor_wire.py",)
EVIDENCE_MODULE = HERE / "labtutor_evidence.py"
MODULE_FILE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\.py")
DATA_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")
# Used when the server's own interpreter sits where the slot uids can't read it (e.g. in /root).
SYSTEM_PYTHON = "/usr/bin/python3"
# -s -S: no site-packages, only the standard library (and no site.py start-up cost).
# -B: no .pyc files. -u: output written before a timeout still arrives. -P: no script dir on path.
# Not -E/-I: the environment is ours (cleared), and PYTHONHASHSEED must apply.
INTERPRETER_FLAGS = ["-s", "-S", "-B", "-u", "-P"]
MAGIC_SCRIPT = "import importlib.util, sys; sys.stdout.buffer.write(importlib.util.MAGIC_NUMBER)"


class PythonLanguage:
    name = "python"

    def check_files(
        self,
        student_files: Sequence[SourceFile],
        test_files: Sequence[SourceFile],
        support_files: Sequence[SourceFile] = (),
        data_files: Sequence[SourceFile] = (),
    ) -> None:
        if not test_files:
            raise ValueError("at least one test file is needed")
        for data in data_files:
            if not DATA_FILE_NAME.fullmatch(data.name) or data.name.startswith("."):
                raise ValueError(f"{data.name!r} is not a usable data file name")
        # Support files go to the tests' side only, data files to the student's side only.
        student_side = [file.name for file in [*student_files, *data_files]]
        if len(set(student_side)) != len(student_side):
            raise ValueError(f"file names must be unique, got {student_side}")
        names = [file.name for file in [*student_files, *test_files, *support_files]]
        for name in names:
            if not MODULE_FILE_NAME.fullmatch(name):
                raise ValueError(f"{name!r} is not an importable Python file name")
            if name.removesuffix(".py") in sys.stdlib_module_names:
                raise ValueError(f"{name!r} would hide the standard library module of that name")
        if len(set(names)) != len(names):
            raise ValueError(f"file names must be unique, got {names}")

    def discover_tests(self, test_files: Sequence[SourceFile]) -> list[TestId]:
        return [
            TestId(file.name, name, author_skip=skipped)
            for file in test_files
            for name, skipped in _test_names(file.content)
        ]

    def build_command(self, spec: RunSpec, *, own_uid: bool) -> SandboxCommand:
        interpreter = find_interpreter(must_be_world_readable=own_uid)
        work_dir = spec.layout.work_dir
        files = [
            PlacedFile(f"{work_dir}/{file.name}", file.content.encode())
            for file in [*spec.student_files, *spec.data_files]
        ]
        files += [
            PlacedFile(f"{work_dir}/{file.name}", file.content.encode(), mode=0o444)
            for file in [*spec.test_files, *spec.support_files]
        ]
        return self._command(interpreter, spec.layout, HARNESS, (), files, self._tests_config(spec))

    def build_commands(self, spec: RunSpec, *, own_uid: bool) -> RunCommands:
        if spec.tests_channel_fd is None or spec.student_channel_fd is None:
            raise ValueError("a run in two processes needs both ends of the channel")
        interpreter = find_interpreter(must_be_world_readable=own_uid)
        tests_layout, student_layout = spec.layout, spec.student_layout or spec.layout
        tests_dir = tests_layout.tests_dir or tests_layout.work_dir
        # Read-only, and never placed where the student's process could see them: the working
        # directory (and /tmp) is shared, so that the tests can write files for the student's
        # code to read, but the tests' own files live apart.
        test_files = [
            PlacedFile(f"{tests_dir}/{file.name}", file.content.encode(), mode=0o444)
            for file in [*spec.test_files, *spec.support_files]
        ]
        classes = exercise_classes(spec.test_files, spec.student_files, spec.reference_files)
        own_classes = [("exercise_class", name) for name in sorted(classes)]
        kinds = [("record_kinds", "1")] if spec.record_kinds else []
        if spec.expected_kinds is not None:
            kinds.append(("expected_kinds", json.dumps(spec.expected_kinds)))
        tests_config = [
            *self._tests_config(spec),
            *own_classes,
            *kinds,
            ("channel_fd", str(spec.tests_channel_fd)),
            ("tool_dir", tests_layout.tool_dir),
            ("tests_dir", tests_dir),
            *([("evidence", "1")] if spec.evidence else []),
        ]
        student_files = [
            PlacedFile(f"{student_layout.work_dir}/{file.name}", file.content.encode())
            for file in [*spec.student_files, *spec.data_files]
        ]
        student_config = [
            ("channel_fd", str(spec.student_channel_fd)),
            ("tool_dir", student_layout.tool_dir),
            ("work_dir", student_layout.work_dir),
            ("capture_chars", str(spec.limits.test_output_kb * 1024)),
            *[("student_file", file.name) for file in spec.student_files],
            *own_classes,
            *([("evidence", "1")] if spec.evidence else []),
        ]
        student_modules = [*STUDENT_SIDE_MODULES, *([EVIDENCE_MODULE] if spec.evidence else [])]
        return RunCommands(
            tests=self._command(
                interpreter, tests_layout, HARNESS, TESTS_SIDE_MODULES, test_files, tests_config
            ),
            student=self._command(
                interpreter,
                student_layout,
                AGENT,
                student_modules,
                student_files,
                student_config,
            ),
        )

    def _tests_config(self, spec: RunSpec) -> list[tuple[str, str]]:
        return [
            ("nonce", spec.nonce),
            ("report_fd", str(spec.report_fd)),
            ("work_dir", spec.layout.work_dir),
            ("capture_chars", str(spec.limits.test_output_kb * 1024)),
            *[("student_file", file.name) for file in spec.student_files],
            *[("test_file", file.name) for file in spec.test_files],
        ]

    def _command(
        self,
        interpreter: str,
        layout: Layout,
        script: Path,
        modules: Sequence[Path],
        files: list[PlacedFile],
        config: list[tuple[str, str]],
    ) -> SandboxCommand:
        if any("\n" in value for _, value in config):
            raise ValueError("a path or name holds a line break")
        script_name, script_code = _tool_file(script, interpreter)
        tools = [PlacedFile(f"{layout.tool_dir}/{script_name}", script_code, mode=0o444)]
        for module in modules:
            name, code = _tool_file(module, interpreter)
            tools.append(PlacedFile(f"{layout.tool_dir}/{name}", code, mode=0o444))
        return SandboxCommand(
            argv=[interpreter, *INTERPRETER_FLAGS, tools[0].path],
            files=[*files, *tools],
            # A fixed hash seed: a student's set order is the same on every run.
            env={"PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8:surrogatepass"},
            # The config goes on stdin, so that the nonce is not in argv for all to see.
            stdin="".join(f"{key}={value}\n" for key, value in config).encode(),
            host_paths=_install_dirs_outside_usr(interpreter),
        )


@functools.cache
def find_interpreter(*, must_be_world_readable: bool) -> str:
    """The server's own Python when the sandbox can use it, else the distribution's python3.

    LABTUTOR_SANDBOX_PYTHON names one explicitly. The harness needs Python 3.11 or later.
    """
    configured = os.environ.get("LABTUTOR_SANDBOX_PYTHON")
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    own = os.path.join(sys.base_prefix, "bin", f"python{version}")
    candidates = [configured] if configured else [own, SYSTEM_PYTHON]
    for candidate in candidates:
        path = os.path.realpath(candidate)
        if os.access(path, os.X_OK) and (not must_be_world_readable or _others_can_run(path)):
            logger.info("The sandbox runs Python from %s", path)
            return path
    raise SandboxUnavailable(
        f"no Python interpreter that the sandbox's uids may run (tried {', '.join(candidates)}); "
        "install the distribution's python3 (apt-get install python3-minimal) "
        "or point LABTUTOR_SANDBOX_PYTHON at one outside private directories"
    )


def _others_can_run(path: str) -> bool:
    """Every directory above path is searchable by others and the file is readable and runnable."""
    if os.stat(path).st_mode & (stat.S_IROTH | stat.S_IXOTH) != stat.S_IROTH | stat.S_IXOTH:
        return False
    parent = os.path.dirname(path)
    while True:
        if not os.stat(parent).st_mode & stat.S_IXOTH:
            return False
        if parent == "/":
            return True
        parent = os.path.dirname(parent)


def _install_dirs_outside_usr(interpreter: str) -> list[str]:
    prefix = os.path.dirname(os.path.dirname(interpreter))
    return [] if prefix == "/usr" or prefix.startswith("/usr/") else [prefix]


@functools.cache
def _tool_file(path: Path, interpreter: str) -> tuple[str, bytes]:
    """One of our scripts or modules as a .pyc when the interpreter reads our bytecode, else as
    source. Python runs a .pyc given as the script and imports a lone .pyc; that saves compiling
    them on every run."""
    source = path.read_bytes()
    if _bytecode_magic(interpreter) != importlib.util.MAGIC_NUMBER:
        return path.name, source
    code = compile(source, path.name, "exec", dont_inherit=True)
    # The .pyc header: magic, flags (0: timestamp-based), source mtime and size (never checked).
    header = importlib.util.MAGIC_NUMBER + bytes(12)
    return path.with_suffix(".pyc").name, header + marshal.dumps(code)


@functools.cache
def _bytecode_magic(interpreter: str) -> bytes:
    completed = subprocess.run(
        [interpreter, "-I", "-S", "-c", MAGIC_SCRIPT], capture_output=True, check=False
    )
    return completed.stdout


def _test_names(source: str) -> list[tuple[str, bool]]:
    """unittest methods (classes deriving from *TestCase, or from such a class of the same file,
    whose methods they inherit) and top-level test* functions, in written order; each with
    whether a skip decorator of its own or of its class marks it."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    tests: dict[str, bool] = {}
    # class name -> its test methods, inherited first, and whether each is skipped
    test_classes: dict[str, dict[str, bool]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            bases = [ast.unparse(base) for base in node.bases]
            in_file = [base for base in bases if base in test_classes]
            if not in_file and not any(base.endswith("TestCase") for base in bases):
                continue
            methods: dict[str, bool] = {}
            for base in reversed(in_file):
                methods.update(test_classes[base])
            for item in node.body:
                if isinstance(
                    item, ast.FunctionDef | ast.AsyncFunctionDef
                ) and item.name.startswith("test"):
                    methods[item.name] = _skip_decorated(item)
            if _skip_decorated(node):
                methods = dict.fromkeys(methods, True)
            test_classes[node.name] = methods
            for method, skipped in methods.items():
                tests.setdefault(f"{node.name}.{method}", skipped)
        elif isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
            tests.setdefault(node.name, _skip_decorated(node))
    return list(tests.items())


# unittest.skip/skipIf/skipUnless and pytest.mark.skip/skipif, however they are imported.
SKIP_DECORATORS = frozenset({"skip", "skipif", "skipunless"})


def _skip_decorated(node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name.lower() in SKIP_DECORATORS:
            return True
    return False


def exercise_classes(
    test_files: Sequence[SourceFile],
    student_files: Sequence[SourceFile],
    reference_files: Sequence[SourceFile] = (),
) -> frozenset[str]:
    """The exercise's own classes, by qualified name: every class its reference defines, and
    the CamelCase names its tests import from the student's modules (`from clock import Clock`,
    `clock.Clock`). Decided by the exercise's files, never by the student's."""
    names: set[str] = set()
    for file in reference_files:
        names |= _classes_defined(file.content)
    modules = {file.name.removesuffix(".py") for file in student_files}
    for file in test_files:
        names |= {name for name in _names_imported(file.content, modules) if _camel_case(name)}
    return frozenset(names)


def _classes_defined(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                names.add(prefix + child.name)
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, f"{prefix}{child.name}.<locals>.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return names


def _names_imported(source: str, modules: set[str]) -> set[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()
    imported_modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in modules and not node.level:
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            imported_modules |= {alias.asname or alias.name for alias in node.names}
    imported_modules &= modules
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in imported_modules
        ):
            names.add(node.attr)
    return names


def _camel_case(name: str) -> bool:
    """A class's name by convention (Clock, BankAccount), not a constant's (SUBLIST)."""
    return name[:1].isupper() and not name.isupper()
