"""Python: unittest classes and pytest-style functions, run by python_harness.py in the sandbox."""

import ast
import functools
import importlib.util
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
from tutor.sandbox.languages.base import PlacedFile, RunSpec, SandboxCommand, TestId
from tutor.sandbox.models import SourceFile

logger = logging.getLogger(__name__)

HARNESS = Path(__file__).with_name("python_harness.py")
MODULE_FILE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\.py")
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
        self, student_files: Sequence[SourceFile], test_files: Sequence[SourceFile]
    ) -> None:
        if not test_files:
            raise ValueError("at least one test file is needed")
        names = [file.name for file in [*student_files, *test_files]]
        for name in names:
            if not MODULE_FILE_NAME.fullmatch(name):
                raise ValueError(f"{name!r} is not an importable Python file name")
            if name.removesuffix(".py") in sys.stdlib_module_names:
                raise ValueError(f"{name!r} would hide the standard library module of that name")
        if len(set(names)) != len(names):
            raise ValueError(f"file names must be unique, got {names}")

    def discover_tests(self, test_files: Sequence[SourceFile]) -> list[TestId]:
        return [
            TestId(file.name, name) for file in test_files for name in _test_names(file.content)
        ]

    def build_command(self, spec: RunSpec, *, own_uid: bool) -> SandboxCommand:
        interpreter = find_interpreter(must_be_world_readable=own_uid)
        work_dir, tool_dir = spec.layout.work_dir, spec.layout.tool_dir
        harness_name, harness = _harness_for(interpreter)
        harness_path = f"{tool_dir}/{harness_name}"
        files = [
            PlacedFile(f"{work_dir}/{file.name}", file.content.encode())
            for file in [*spec.student_files, *spec.test_files]
        ]
        files.append(PlacedFile(harness_path, harness, mode=0o444))
        config = [
            ("nonce", spec.nonce),
            ("report_fd", str(spec.report_fd)),
            ("work_dir", work_dir),
            ("capture_chars", str(spec.limits.test_output_kb * 1024)),
            *[("student_file", file.name) for file in spec.student_files],
            *[("test_file", file.name) for file in spec.test_files],
        ]
        if any("\n" in value for _, value in config):
            raise ValueError("a path or name holds a line break")
        return SandboxCommand(
            argv=[interpreter, *INTERPRETER_FLAGS, harness_path],
            files=files,
            # A fixed hash seed: a student's set order is the same on every run.
            env={"PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8"},
            # The harness's config: on stdin, so that the nonce is not in its argv for all to see.
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
def _harness_for(interpreter: str) -> tuple[str, bytes]:
    """The harness as a .pyc when the interpreter reads our bytecode, else as source.

    Python runs a .pyc given as the script; that saves compiling the harness on every run.
    """
    source = HARNESS.read_bytes()
    if _bytecode_magic(interpreter) != importlib.util.MAGIC_NUMBER:
        return HARNESS.name, source
    code = compile(source, HARNESS.name, "exec", dont_inherit=True)
    # The .pyc header: magic, flags (0: timestamp-based), source mtime and size (never checked).
    header = importlib.util.MAGIC_NUMBER + bytes(12)
    return HARNESS.with_suffix(".pyc").name, header + marshal.dumps(code)


def _bytecode_magic(interpreter: str) -> bytes:
    completed = subprocess.run(
        [interpreter, "-I", "-S", "-c", MAGIC_SCRIPT], capture_output=True, check=False
    )
    return completed.stdout


def _test_names(source: str) -> list[str]:
    """unittest methods (classes deriving from *TestCase) and top-level test* functions."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(
            ast.unparse(base).endswith("TestCase") for base in node.bases
        ):
            names += [
                f"{node.name}.{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                and item.name.startswith("test")
            ]
        elif isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
            names.append(node.name)
    return list(dict.fromkeys(names))
