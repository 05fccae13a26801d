"""Runs exercise tests inside the sandbox and reports each as a JSON line. Standard library only.

Started as `python -s -S -B -u -P python_harness.py` with its config on stdin as `key=value`
lines (see languages/python.py). Normally it runs in the tests' own sandbox, which holds no
student code: the student's modules live in another sandboxed process (python_agent.py), and
`import solution` in a test gives a stand-in that forwards to it (labtutor_remote.py). In the
in-process mode an exercise may declare, it imports the student's modules itself, and the
verdict can be forged. It collects unittest test methods and pytest-style top-level test
functions in the order they are written, runs them one by one with their stdout/stderr captured,
and writes one line per event to the report descriptor (not stdout). Every line carries the
run's nonce.

Events: ready; student_error (a student module failed to import: every test errors); collected /
collect_error (per test file); start and result (per test); done. Whatever reaches the real
stdout and stderr outside tests is the program's own output.

Imports are few and lazy: this start-up cost is paid on every graded run. Even `json` is left
out in-process (with `re`, it costs as much as starting Python); _json's C string quoting does
the escaping.
"""

from __future__ import annotations

import io
import os
import sys
import time
from _json import encode_basestring_ascii as json_string

# typing costs start-up time on every run; mypy reads these imports, the interpreter skips them.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
    import unittest
    from collections.abc import Callable
    from types import CodeType, FrameType, ModuleType, TracebackType
    from typing import Any

    from labtutor_remote import Connection

    ExcInfo = tuple[type[BaseException], BaseException, TracebackType]

MAX_REPR_CHARS = 2000
# One test's evidence line, as re-encoded here; past it the trace is dropped, then everything.
MAX_EVIDENCE_CHARS = 96 * 1024
# Failing tests that get a trace of steps (the first ones): "Trace this test" on each of them.
MAX_TRACED_TESTS = 3
MAX_TRACEBACK_CHARS = 8000
# unittest assertion methods whose first two arguments are (actual, expected).
EQUALITY_ASSERTIONS = (
    "assertEqual",
    "assertAlmostEqual",
    "assertCountEqual",
    "assertSequenceEqual",
    "assertListEqual",
    "assertTupleEqual",
    "assertDictEqual",
    "assertSetEqual",
    "assertMultiLineEqual",
)


class Reporter:
    def __init__(self, fd: int, nonce: str) -> None:
        self.fd = fd
        self.nonce = nonce
        # The student's subprocesses have no business with this descriptor.
        os.set_inheritable(fd, False)

    def send(self, event: str, **fields: object) -> None:
        data = (to_json({"n": self.nonce, "event": event, **fields}) + "\n").encode()
        while data:
            data = data[os.write(self.fd, data) :]


def to_json(value: object) -> str:
    """JSON text in pure ASCII for the few types that results hold."""
    if isinstance(value, str):
        return json_string(value)
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ",".join(to_json(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json_string(k)}:{to_json(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot report a {type(value).__name__}")


def read_config(text: str) -> dict[str, list[str]]:
    """`key=value` lines; a key may repeat (one line per file)."""
    config: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, _, value = line.partition("=")
        config.setdefault(key, []).append(value)
    return config


class CappedText(io.StringIO):
    """Keeps the first `cap` characters written and notes that the rest was cut."""

    def __init__(self, cap: int) -> None:
        super().__init__()
        self.room = cap
        self.cut = False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if len(text) > self.room:
            self.cut = True
        if self.room > 0:
            super().write(text[: self.room])
            self.room -= min(len(text), self.room)
        return len(text)

    def text(self) -> str:
        return self.getvalue() + ("\n[output cut: too long]" if self.cut else "")


class Files:
    """Which files are the student's and which are tests (absolute paths), and their short names."""

    def __init__(self, work_dir: str, student_files: list[str], test_files: list[str]) -> None:
        self.prefix = work_dir.rstrip("/") + "/"
        self.student = {self.prefix + name for name in student_files}
        self.tests = {self.prefix + name for name in test_files}

    def short(self, path: str) -> str:
        return path[len(self.prefix) :] if path.startswith(self.prefix) else path


class Exceptions:
    """Turns an exception into result fields: message, traceback, line, expected and actual."""

    def __init__(self, files: Files) -> None:
        self.files = files
        self.parsed: dict[str, tuple[str, ast.Module]] = {}

    def describe(self, exc: BaseException) -> dict[str, object]:
        import traceback

        shown = self.files.student | self.files.tests
        # Only the student's and the tests' frames: harness and unittest frames are noise.
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in shown]
        line = None
        for frame in frames:
            if frame.filename in self.files.student:
                line = frame.lineno
            frame.filename = self.files.short(frame.filename)
        # Raised in the student's process: its frames there, already with short names.
        remote_frames, remote_line = getattr(exc, "labtutor_remote", ("", None))
        if remote_line is not None:
            line = remote_line
        if isinstance(exc, SyntaxError) and exc.filename:
            if exc.filename in self.files.student:
                line = exc.lineno
            exc.filename = self.files.short(exc.filename)
        error_lines = traceback.format_exception_only(type(exc), exc)
        text = "".join([*traceback.format_list(frames), remote_frames, *error_lines])
        if frames or remote_frames:
            text = "Traceback (most recent call last):\n" + text
        if len(text) > MAX_TRACEBACK_CHARS:
            text = "...\n" + text[-MAX_TRACEBACK_CHARS:]
        fields: dict[str, object] = {
            "message": error_lines[-1].strip(),
            "traceback": text,
            "line": line,
            "memory_error": isinstance(exc, MemoryError),
        }
        if isinstance(exc, AssertionError):
            fields.update(self.compared_values(exc))
        return fields

    def compared_values(self, exc: AssertionError) -> dict[str, object]:
        compared = getattr(exc, "labtutor_compared", None)
        if compared is not None:
            actual, expected = compared
            return {"actual": safe_repr(actual), "expected": safe_repr(expected)}
        return self.reevaluate_assert(exc)

    def reevaluate_assert(self, exc: AssertionError) -> dict[str, object]:
        """For a failing `assert a == b`, evaluate a and b again in the failing frame."""
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is None:
            return {}
        frame = tb.tb_frame
        path = frame.f_code.co_filename
        if path not in self.files.tests and path not in self.files.student:
            return {}
        import ast

        source, node = self.failing_assert(path, tb.tb_lineno, frame.f_code, tb.tb_lasti)
        if node is None or not isinstance(node.test, ast.Compare):
            return {}
        compare = node.test
        fields: dict[str, object] = {}
        if not str(exc):
            fields["message"] = "assert " + (ast.get_source_segment(source, compare) or "")
        if len(compare.ops) != 1 or not isinstance(compare.ops[0], ast.Eq):
            return fields
        try:
            actual = evaluate(compare.left, path, frame)
            expected = evaluate(compare.comparators[0], path, frame)
        except Exception:
            return fields
        fields.update(actual=safe_repr(actual), expected=safe_repr(expected))
        return fields

    def failing_assert(
        self, path: str, lineno: int, code: CodeType, lasti: int
    ) -> tuple[str, ast.Assert | None]:
        import ast

        if path not in self.parsed:
            with open(path, encoding="utf-8") as source_file:
                source = source_file.read()
            self.parsed[path] = (source, ast.parse(source))
        source, tree = self.parsed[path]
        asserts = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Assert) and node.lineno <= lineno <= (node.end_lineno or 0)
        ]
        # Two asserts on one line: the failing instruction's column tells them apart.
        positions = list(code.co_positions())
        column = positions[lasti // 2][2] if 0 <= lasti // 2 < len(positions) else None
        for node in asserts:
            if column is None or node.col_offset <= column <= (node.end_col_offset or 0):
                return source, node
        return source, (asserts[0] if asserts else None)


def evaluate(node: ast.expr, path: str, frame: FrameType) -> object:
    import ast

    code = compile(ast.Expression(node), path, "eval")
    return eval(code, frame.f_globals, frame.f_locals)  # noqa: S307 - the test's own expression


def safe_repr(value: object) -> str:
    try:
        text = repr(value)
    except Exception as error:
        text = f"<repr() failed: {type(error).__name__}>"
    if len(text) > MAX_REPR_CHARS:
        text = text[:MAX_REPR_CHARS] + "..."
    return text


class TestRun:
    """One test at a time: swaps in capture buffers, times it, reports its start and result."""

    def __init__(self, reporter: Reporter, exceptions: Exceptions, capture_chars: int) -> None:
        self.reporter = reporter
        self.exceptions = exceptions
        self.capture_chars = capture_chars
        self.reported: set[tuple[str, str]] = set()
        self.pid = os.getpid()
        self.connection: Connection | None = None
        # Ask the student's process what its code did in each test (a Run with evidence on).
        self.evidence = False
        self.traced = 0

    def start(self, file: str, name: str) -> None:
        self.file, self.name = file, name
        if self.connection is not None:
            self.connection.current_test = name
            if self.evidence:
                self.connection.on_partial_evidence = self.partial_evidence
        self.reporter.send("start", file=file, name=name)
        self.saved = sys.stdout, sys.stderr
        self.stdout = CappedText(self.capture_chars)
        self.stderr = CappedText(self.capture_chars)
        sys.stdout, sys.stderr = self.stdout, self.stderr
        self.started_at = time.perf_counter()

    def finish(self, outcome: str, exc: BaseException | None = None, message: str = "") -> None:
        if os.getpid() != self.pid:
            # A child the test forked came back here: it must not report, nor run more tests.
            os._exit(0)
        duration_ms = (time.perf_counter() - self.started_at) * 1000
        sys.stdout, sys.stderr = self.saved
        evidence = None
        if self.evidence and self.connection is not None:
            # Taken before describing the failure: describing `assert f(x) == y` evaluates
            # f(x) again, and that second call is not something the test did.
            evidence = self.take_evidence(self.connection, outcome in ("failed", "error"))
        fields: dict[str, object] = {"message": message}
        if exc is not None:
            fields.update(self.exceptions.describe(exc))
            if message:
                fields["message"] = f"{message}: {fields['message']}"
            if evidence is not None and self.connection is not None:
                self.take_evidence(self.connection, False)  # drops what describing ran
        self.reported.add((self.file, self.name))
        self.reporter.send(
            "result",
            file=self.file,
            name=self.name,
            outcome=outcome,
            stdout=self.stdout.text(),
            stderr=self.stderr.text(),
            duration_ms=round(duration_ms, 3),
            **fields,
        )
        if evidence is not None:
            # Its own event, after the result: evidence is the student's side's word, never part
            # of a verdict, and a broken or oversized one loses only itself.
            self.reporter.send("evidence", file=self.file, name=self.name, data=evidence)

    def partial_evidence(self, data: object) -> None:
        """The record of this test so far, sent when its recording stopped at its cap: if the
        time limit then stops the run, it is what is left of the loop that did not end."""
        if not isinstance(data, dict):
            return
        try:
            if len(to_json(data)) > MAX_EVIDENCE_CHARS:
                data.pop("steps", None)
                if len(to_json(data)) > MAX_EVIDENCE_CHARS:
                    return
        except Exception:  # an unencodable value: no evidence, same verdict
            return
        self.reporter.send("evidence_partial", file=self.file, name=self.name, data=data)

    def take_evidence(self, connection: Connection, keep_trace: bool) -> dict[str, Any] | None:
        """The student's process's record of this test, re-encoded here within a size cap."""
        keep_trace = keep_trace and self.traced < MAX_TRACED_TESTS
        more = self.traced + keep_trace < MAX_TRACED_TESTS
        try:
            request = {"op": "evidence", "keep_trace": keep_trace, "trace_more": more}
            reply = connection.request(request)
            evidence = reply.get("evidence")
            if not isinstance(evidence, dict):
                return None
            if len(to_json(evidence)) > MAX_EVIDENCE_CHARS:
                evidence.pop("steps", None)
                if len(to_json(evidence)) > MAX_EVIDENCE_CHARS:
                    return None
        except Exception:  # a broken channel or an unencodable value: no evidence, same verdict
            return None
        if keep_trace and "steps" in evidence:
            self.traced += 1
        return evidence


class FunctionTest:
    """A pytest-style top-level test function, called without arguments."""

    def __init__(self, function: Callable[[], object]) -> None:
        self.function = function

    def names(self) -> list[str]:
        return [self.function.__name__]

    def run(self, run: TestRun, file: str) -> None:
        run.start(file, self.function.__name__)
        code = self.function.__code__
        if code.co_argcount > len(self.function.__defaults__ or ()):
            run.finish("error", message="this test needs pytest fixtures, which are not available")
            return
        try:
            self.function()
        except AssertionError as exc:
            run.finish("failed", exc)
        except BaseException as exc:  # a test may raise anything, SystemExit too
            run.finish("error", exc)
        else:
            run.finish("passed")


class TestCaseClass:
    """A unittest.TestCase subclass: its test methods run as one suite, so class fixtures work."""

    def __init__(self, cls: type[unittest.TestCase], methods: list[str]) -> None:
        self.cls = cls
        self.methods = methods

    def names(self) -> list[str]:
        return [f"{self.cls.__name__}.{method}" for method in self.methods]

    def run(self, run: TestRun, file: str) -> None:
        import unittest

        fixture_errors: list[BaseException] = []
        recorder = unittest_recorder(run, file, fixture_errors)
        unittest.TestSuite(self.cls(method) for method in self.methods).run(recorder)
        fixture_error = fixture_errors[0] if fixture_errors else None
        # Tests that a failing setUpClass (or setUpModule) kept from running get its error.
        for name in self.names():
            if (file, name) not in run.reported:
                run.start(file, name)
                run.finish("error", fixture_error, message="setUpClass failed")


def unittest_recorder(
    run: TestRun, file: str, fixture_errors: list[BaseException]
) -> unittest.TestResult:
    import unittest

    class Recorder(unittest.TestResult):
        """Maps unittest's callbacks onto TestRun; our own reporting replaces its bookkeeping."""

        def __init__(self) -> None:
            super().__init__()
            self.verdict: tuple[str, BaseException | None, str] = ("passed", None, "")

        def startTest(self, test: unittest.TestCase) -> None:
            super().startTest(test)
            self.verdict = ("passed", None, "")
            run.start(file, f"{type(test).__name__}.{test._testMethodName}")

        def stopTest(self, test: unittest.TestCase) -> None:
            super().stopTest(test)
            run.finish(*self.verdict)

        def addError(self, test: unittest.TestCase, err: ExcInfo) -> None:  # type: ignore[override]
            if isinstance(test, unittest.TestCase):
                self.verdict = ("error", err[1], "")
            else:  # a class or module fixture failed: no test is running
                fixture_errors.append(err[1])

        def addFailure(self, test: unittest.TestCase, err: ExcInfo) -> None:  # type: ignore[override]
            self.verdict = ("failed", err[1], "")

        def addSubTest(  # type: ignore[override]
            self, test: unittest.TestCase, subtest: unittest.TestCase, err: ExcInfo | None
        ) -> None:
            if err is not None and self.verdict[0] == "passed":
                outcome = "failed" if issubclass(err[0], test.failureException) else "error"
                self.verdict = (outcome, err[1], subtest._subDescription().strip())  # type: ignore[attr-defined]

        def addSkip(self, test: unittest.TestCase, reason: str) -> None:
            self.verdict = ("skipped", None, reason)

        def addExpectedFailure(self, test: unittest.TestCase, err: ExcInfo) -> None:  # type: ignore[override]
            self.verdict = ("passed", None, "failed, as expected")

        def addUnexpectedSuccess(self, test: unittest.TestCase) -> None:
            self.verdict = ("failed", None, "passed, but is marked as an expected failure")

    return Recorder()


def record_compared_values(unittest_module: ModuleType) -> None:
    """Wrap unittest's equality assertions so that a failure keeps the two values it compared."""
    test_case = unittest_module.TestCase

    def wrap(method: Callable[..., None]) -> Callable[..., None]:
        def assertion(
            self: unittest.TestCase, first: object, second: object, *args: object, **kwargs: object
        ) -> None:
            try:
                method(self, first, second, *args, **kwargs)
            except self.failureException as exc:
                # assertEqual calls assertListEqual & co.: the outermost call's values win.
                exc.labtutor_compared = (first, second)  # type: ignore[attr-defined]
                raise

        return assertion

    for name in EQUALITY_ASSERTIONS:
        setattr(test_case, name, wrap(getattr(test_case, name)))
    test_case.labtutor_wrapped = True


def collect(module: ModuleType) -> list[FunctionTest | TestCaseClass]:
    """The module's own test functions and TestCase classes, in the order the file defines them."""
    unittest_module = sys.modules.get("unittest")
    test_case = unittest_module.TestCase if unittest_module else None
    items: list[FunctionTest | TestCaseClass] = []
    for name, value in list(vars(module).items()):
        if getattr(value, "__module__", None) != module.__name__:
            continue
        if isinstance(value, type):
            if test_case is not None and issubclass(value, test_case):
                methods = test_methods(value)
                if methods:
                    items.append(TestCaseClass(value, methods))
        elif name.startswith("test") and callable(value) and hasattr(value, "__code__"):
            items.append(FunctionTest(value))
    return items


def test_methods(cls: type) -> list[str]:
    """test* methods in definition order, base classes' first (unittest would sort them)."""
    names: dict[str, None] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if name.startswith("test") and callable(value):
                names[name] = None
    return list(names)


def student_error(name: str, exc: BaseException) -> tuple[str, str]:
    """The run status and a plain-language message for a student module that cannot load."""
    if isinstance(exc, SyntaxError):
        where = f" on line {exc.lineno}" if exc.lineno else ""
        return "syntax_error", f"{name} has a syntax error{where}: {exc.msg}"
    return "import_error", f"{name} stopped with {type(exc).__name__} while loading: {exc}"


def load_in_process(reporter: Reporter, exceptions: Exceptions, student_files: list[str]) -> bool:
    """The in-process mode: the student's modules in this interpreter (a forgeable verdict)."""
    for name in student_files:
        try:
            __import__(name.removesuffix(".py"))
        except BaseException as exc:  # the student's module may raise anything
            status, message = student_error(name, exc)
            fields = exceptions.describe(exc)
            fields["message"] = message
            reporter.send("student_error", file=name, status=status, **fields)
            return False
    return True


def connect_to_student(
    config: dict[str, list[str]], reporter: Reporter, run: TestRun, student_files: list[str]
) -> bool:
    """Wait for the student's process to load the student's modules; False when they failed."""
    from labtutor_remote import connect
    from labtutor_wire import Channel, WireError

    channel = Channel(int(config["channel_fd"][0]))
    os.set_inheritable(channel.fd, False)
    modules = {name.removesuffix(".py") for name in student_files}
    classes = frozenset(config.get("exercise_class", []))
    connection = connect(channel, modules, classes, expected_kinds(config))
    run.connection = connection
    try:
        hello = channel.receive()
    except WireError as error:
        first = student_files[0] if student_files else "your code"
        message = f"The connection to your code broke while loading {first} ({error})"
        reporter.send("student_error", file=first, status="import_error", message=message)
        return False
    connection.write_output(hello)
    if hello.get("ready") is True:
        return True
    error_fields = hello.get("student_error")
    fields = error_fields if isinstance(error_fields, dict) else {}
    text = {key: fields.get(key) for key in ("file", "message", "traceback")}
    status = fields.get("status")
    line = fields.get("line")
    reporter.send(
        "student_error",
        status=status if status in ("syntax_error", "import_error") else "import_error",
        line=line if type(line) is int else None,
        memory_error=fields.get("memory_error") is True,
        **{key: value if isinstance(value, str) else "" for key, value in text.items()},
    )
    return False


def expected_kinds(config: dict[str, list[str]]) -> dict[str, list[str]] | None:
    """What the exercise's reference handed out from each place (config's expected_kinds,
    one JSON object), which the student's values are held to; None when there is none."""
    from labtutor_wire import json_value

    text = config.get("expected_kinds", [""])[0]
    if not text:
        return None
    places = json_value(text)
    if not isinstance(places, dict):
        return None
    return {
        str(place): [str(kind) for kind in kinds]
        for place, kinds in places.items()
        if isinstance(kinds, list)
    }


class ShareTemporaryFiles:
    """The student's process runs as another uid: let it reach the temporary folders and files
    that tests make for its code to read (tempfile makes them private to their owner). A finder
    that patches tempfile when a test imports it, so that runs without it don't pay for it."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> object:
        if name != "tempfile":
            return None
        path_finder: Any = next(
            f for f in sys.meta_path if getattr(f, "__name__", "") == "PathFinder"
        )
        spec = path_finder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            load(module)
            share(module)

        spec.loader.exec_module = exec_module
        return spec


def share(tempfile: ModuleType) -> None:
    make_folder, make_file = tempfile.mkdtemp, tempfile._mkstemp_inner

    def mkdtemp(*args: object, **kwargs: object) -> str:
        path = make_folder(*args, **kwargs)
        os.chmod(path, 0o1777)  # noqa: S103 - sticky: each side keeps its own files
        return path

    def mkstemp_inner(*args: object, **kwargs: object) -> tuple[int, str]:
        fd, path = make_file(*args, **kwargs)
        os.chmod(path, 0o644)
        return fd, path

    tempfile.mkdtemp = mkdtemp  # type: ignore[attr-defined]
    tempfile._mkstemp_inner = mkstemp_inner  # type: ignore[attr-defined]


def main() -> None:
    config = read_config(sys.stdin.read())
    # Tests get an empty stdin, like a program run with nothing typed.
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)

    reporter = Reporter(int(config["report_fd"][0]), config["nonce"][0])
    reporter.send("ready")
    work_dir = config["work_dir"][0]
    student_files = config.get("student_file", [])
    test_files = config.get("test_file", [])
    remote = "channel_fd" in config
    tests_dir = config.get("tests_dir", [work_dir])[0]
    exceptions = Exceptions(Files(tests_dir, [] if remote else student_files, test_files))
    run = TestRun(reporter, exceptions, int(config["capture_chars"][0]))
    run.evidence = remote and config.get("evidence") == ["1"]
    if remote:
        sys.meta_path.insert(0, ShareTemporaryFiles())  # type: ignore[arg-type]
        sys.path.insert(0, config["tool_dir"][0])
        loaded = connect_to_student(config, reporter, run, student_files)
        sys.path.remove(config["tool_dir"][0])
    # The tests' folder only: the working directory is shared with the student's process,
    # and nothing it writes there may become importable here.
    sys.path.insert(0, tests_dir)
    os.chdir(work_dir)
    if not (loaded if remote else load_in_process(reporter, exceptions, student_files)):
        return

    collected = []
    for name in test_files:
        try:
            module = __import__(name.removesuffix(".py"))
        except BaseException as exc:  # so may a test file, through the student's code
            reporter.send("collect_error", file=name, **exceptions.describe(exc))
            continue
        unittest_module = sys.modules.get("unittest")
        if unittest_module and not hasattr(unittest_module.TestCase, "labtutor_wrapped"):
            record_compared_values(unittest_module)
        items = collect(module)
        reporter.send("collected", file=name, tests=[n for item in items for n in item.names()])
        collected.append((name, items))

    for name, items in collected:
        for item in items:
            item.run(run, name)
    if run.connection is not None and config.get("record_kinds") == ["1"]:
        reporter.send("kinds", places=run.connection.kinds.as_lists())
    reporter.send("done")


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Neither wait for threads the student left running nor run their atexit hooks.
    os._exit(0)
