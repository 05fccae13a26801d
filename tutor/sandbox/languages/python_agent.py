"""The student's side of a graded run: imports the student's modules and serves the tests' requests.

Started as `python -s -S -B -u -P python_agent.py` in a sandbox of its own that holds only the
student's files (and the exercise's data files): no test, no expected value, no result channel.
It answers requests from the tests' process over the channel descriptor (see labtutor_wire.py):
attribute access, calls and operations on the student's objects. Plain values are copied across;
every other object stays here and is named by a handle. Nothing this process says decides a
verdict: it only tells what the student's code did, and the tests' process judges that.
Standard library only.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import operator
import os
import sys
import types

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from labtutor_evidence import Recorder
    from labtutor_wire import Channel

MAX_TRACEBACK_CHARS = 8000
EVIDENCE_LIMIT_BYTES = 1024 * 1024


class CappedText(io.StringIO):
    """Keeps the first `cap` characters written and notes that the rest was cut."""

    def __init__(self, cap: int) -> None:
        super().__init__()
        self.cap = cap
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

    def take(self) -> str:
        if not self.cut and not self.tell():
            return ""
        text = self.getvalue() + ("\n[output cut: too long]" if self.cut else "")
        self.seek(0)
        self.truncate()
        self.room = self.cap
        self.cut = False
        return text


def operations() -> dict[str, Callable[..., object]]:
    """What the tests' side may ask of a student's object (of the exercise's own classes; other
    stand-ins there only call or iterate). Made once the tool directory is importable."""
    from labtutor_wire import BINARY_OPERATIONS, reflected

    binary = {
        name: getattr(operator, name)
        for name in [*BINARY_OPERATIONS, "eq", "ne", "lt", "le", "gt", "ge", "getitem", "delitem"]
    }
    return {
        **binary,
        **{"r" + name: reflected(op) for name, op in binary.items()},
        "getattr_": getattr,
        "setattr_": setattr,
        "delattr_": delattr,
        "len": len,
        "str": str,
        "repr": repr,
        "hash": hash,
        "bool": bool,
        "iter": iter,
        "next": next,
        "neg": operator.neg,
        "pos": operator.pos,
        "abs": abs,
        "invert": operator.invert,
        "int": int,
        "float": float,
        "index": operator.index,
        "setitem": operator.setitem,
        "contains": operator.contains,
        "format": format,
        "isinstance": isinstance,
        "issubclass": issubclass,
        "dir": lambda obj: [name for name in dir(obj) if isinstance(name, str)],
    }


PLAIN_BASES = (dict, list, tuple, str, bytes, bytearray, set, frozenset, bool, int, float)
MUTABLE = (list, dict, set, bytearray)


class Agent:
    def __init__(
        self,
        channel: Channel,
        capture_chars: int,
        work_dir: str,
        recorder: Recorder | None = None,
        exercise_classes: frozenset[str] = frozenset(),
    ) -> None:
        from labtutor_wire import Decoder, Encoder

        self.channel = channel
        self.operations = operations()
        give_tests_objects_operators()
        self.exercise_classes = exercise_classes
        # Evidence of what the student's code did (a Run of visible tests only): untrusted data.
        self.recorder = recorder
        self.work_prefix = work_dir.rstrip("/") + "/"
        self.objects: dict[int, object] = {}
        self.ids: dict[int, int] = {}  # id(object) -> handle, so an object keeps one handle
        self.locals: dict[int, TestsObject] = {}
        self.encoder = Encoder(self.handle_of, exercise_classes)
        self.decoder = Decoder(self.resolve)
        self.stdout = CappedText(capture_chars)
        self.stderr = CappedText(capture_chars)

    # Values

    def handle_of(self, value: object) -> list[object]:
        if isinstance(value, TestsObject):
            return ["lref", object.__getattribute__(value, "_number")]
        number = self.ids.get(id(value))
        if number is None or self.objects.get(number) is not value:
            number = len(self.objects) + 1
            self.objects[number] = value
            self.ids[id(value)] = number
        if isinstance(value, type):
            if issubclass(value, BaseException):
                return ["handle", number, "exc_class", *self.class_names(value), self.parent(value)]
            return ["handle", number, "class", *self.class_names(value)]
        return ["handle", number, self.kind_of(value), self.name_of(value)]

    def kind_of(self, value: object) -> str:
        """What the tests' side may do with it: all the exercise's classes' objects allow;
        others are only called or iterated (the tests' side refuses the rest)."""
        cls = type(value)
        if isinstance(value, types.ModuleType):
            return "module"
        if cls.__qualname__ in self.exercise_classes:
            return "object"
        if callable(value):
            return "function"
        if hasattr(cls, "__next__"):
            return "iterator"
        if hasattr(cls, "__iter__"):
            return "iterable"
        return "object"

    def name_of(self, value: object) -> str:
        if isinstance(value, types.ModuleType):
            return str(value.__name__)
        name = getattr(value, "__qualname__", None) if callable(value) else None
        return name if isinstance(name, str) else type(value).__qualname__

    def class_names(self, cls: type) -> list[str]:
        return [str(cls.__qualname__), str(cls.__module__)]

    def parent(self, cls: type[BaseException]) -> object:
        """The next class up that the tests' side should know: a student class or a builtin."""
        from labtutor_wire import exception_name

        for klass in cls.__mro__[1:]:
            if klass.__module__ == "builtins":
                return ["builtin", exception_name(klass)]
            return self.handle_of(klass)
        return ["builtin", "Exception"]

    def resolve(self, node: list[object]) -> object:
        from labtutor_wire import WireError

        tag = node[0]
        if tag == "ref" and len(node) == 2 and node[1] in self.objects:
            return self.objects[node[1]]
        if tag == "local" and len(node) == 2 and type(node[1]) is int:
            stand_in = self.locals.get(node[1])
            if stand_in is None:
                stand_in = self.locals[node[1]] = TestsObject(self, node[1])
            return stand_in
        raise WireError(f"an unknown value tag {tag!r}")

    # Asking the tests' side (input, their objects) in the middle of a request

    def ask(self, message: dict[str, object]) -> object:
        from labtutor_wire import builtin_exception

        self.channel.send({**message, **self.output()})
        while True:
            reply = self.channel.receive()
            if "op" not in reply:
                break
            # The tests' function called the student's code again: answer that first.
            self.channel.send(self.answer(reply))
        if "raise" in reply:
            raise builtin_exception(reply["raise"])(str(reply.get("message", "")))
        return self.decoder.decode(reply.get("ok"))

    def output(self) -> dict[str, str]:
        taken = {"out": self.stdout.take(), "err": self.stderr.take()}
        return {key: text for key, text in taken.items() if text}

    # Requests

    def serve(self) -> None:
        from labtutor_wire import MAX_MESSAGE_BYTES, WireClosed, WireError

        while True:
            try:
                request = self.channel.receive()
            except WireClosed:
                return
            except WireError as error:
                self.channel.send({"broken": str(error)})
                continue
            reply = self.answer(request)
            # Evidence is the student's side's word, re-capped far smaller by the tests' side:
            # an oversized record (stuffed by the student's code) is dropped here, not carried.
            limit = EVIDENCE_LIMIT_BYTES if request.get("op") == "evidence" else MAX_MESSAGE_BYTES
            try:
                self.channel.send(reply, limit)
            except WireClosed:
                return
            except WireError as error:  # too big to send: nothing of it was written
                failure = ValueError(f"your code's value cannot be sent to the tests: {error}")
                self.channel.send({"raise": self.describe(failure)})

    def answer(self, request: dict[str, object]) -> dict[str, object]:
        reply: dict[str, object]
        recorder = self.recorder if request.get("op") not in ("import", "evidence") else None
        if recorder is not None:
            recorder.start()
        try:
            reply = self.perform(request)
        except MemoryError as exc:
            # Its traceback holds the frames holding the memory: drop them before describing.
            exc.__traceback__ = None
            reply = {"raise": self.describe(exc)}
        except BaseException as exc:  # the student's code may raise anything
            reply = {"raise": self.describe(exc)}
        finally:
            if recorder is not None:
                recorder.stop()
        reply.update(self.output())
        return reply

    def perform(self, request: dict[str, object]) -> dict[str, object]:
        op = request.get("op")
        decode = self.decoder.decode
        if op == "evidence":
            keep_trace = request.get("keep_trace") is True
            more = request.get("trace_more") is not False
            return {"evidence": self.recorder.take(keep_trace, more) if self.recorder else None}
        if op == "import":
            module = sys.modules[str(request["name"])]
            names = getattr(module, "__all__", None)
            if not isinstance(names, list | tuple):
                names = [name for name in vars(module) if not name.startswith("_")]
            return {"ok": self.handle_of(module), "names": [str(name) for name in names]}
        target = self.objects[request["h"]]  # type: ignore[index]
        if op == "getattr":
            return {"ok": self.encoder.encode(getattr(target, str(request["name"])))}
        if op == "setattr":
            setattr(target, str(request["name"]), decode(request["value"]))
            return {"ok": None}
        if op == "delattr":
            delattr(target, str(request["name"]))
            return {"ok": None}
        if op == "call":
            return self.call(target, request)
        if op == "plain":
            return {"ok": self.plain(target)}
        if op in self.operations:
            args = decode(request.get("args", ["list"]))
            return {"ok": self.encoder.encode(self.operations[str(op)](target, *args))}
        raise ValueError(f"unknown request {op!r}")

    def call(self, target: object, request: dict[str, object]) -> dict[str, object]:
        args = self.decoder.decode(request["args"])
        kwargs = self.decoder.decode(request["kwargs"])
        if self.recorder is None:
            value = target(*args, **kwargs)  # type: ignore[operator]
        else:
            call = self.recorder.begin_call(target, args, kwargs)
            try:
                value = target(*args, **kwargs)  # type: ignore[operator]
            except BaseException as exc:
                self.recorder.end_call(call, error=exc)
                raise
            self.recorder.end_call(call, value)
        reply: dict[str, object] = {"ok": self.encoder.encode(value)}
        # Arguments changed in place (a list sorted in place) go back, to be changed there too.
        changed = {}
        for index, (sent, arg) in enumerate(zip(request["args"][1:], args, strict=False)):  # type: ignore[index]
            if type(arg) in MUTABLE and self.encoder.encode(arg) != sent:
                changed[str(index)] = self.encoder.encode(arg)
        sent_kwargs = request["kwargs"][1:]  # type: ignore[index]
        for key, sent in zip(sent_kwargs[::2], sent_kwargs[1::2], strict=False):
            arg = kwargs[key]
            if type(arg) in MUTABLE and self.encoder.encode(arg) != sent:
                changed[key] = self.encoder.encode(arg)
        if changed:
            reply["changed"] = changed
        return reply

    def plain(self, value: object) -> object:
        """A builtin-typed copy of an instance of a builtin type's subclass (a Counter, a
        namedtuple), for comparing it with a plain value on the tests' side."""
        for base in PLAIN_BASES:
            if isinstance(value, base):
                copy: Any = base
                return self.encoder.encode(copy(value))
        raise TypeError("not a plain value")

    def describe(self, exc: BaseException) -> dict[str, object]:
        from labtutor_wire import exception_name

        cls = type(exc)
        kind = ["builtin", exception_name(cls)] if cls.__module__ == "builtins" else None
        try:
            args = self.encoder.encode(list(exc.args))
            if "handle" in repr(args):
                args = None
        except Exception:
            args = None
        try:
            message = str(exc)
        except Exception:
            message = f"<str() of {cls.__name__} failed>"
        traceback_text, line = self.student_traceback(exc)
        return {
            "class": kind or self.handle_of(cls),
            "args": args,
            "message": message,
            "traceback": traceback_text,
            "line": line,
        }

    def load_error(self, name: str, exc: BaseException) -> dict[str, object]:
        """A student module that cannot load: the run's status and a plain-language message."""
        import traceback

        frames, line = self.student_traceback(exc)
        if isinstance(exc, SyntaxError):
            where = f" on line {exc.lineno}" if exc.lineno else ""
            status, message = "syntax_error", f"{name} has a syntax error{where}: {exc.msg}"
        else:
            status = "import_error"
            message = f"{name} stopped with {type(exc).__name__} while loading: {exc}"
        text = "".join(traceback.format_exception_only(type(exc), exc))
        if frames:
            text = "Traceback (most recent call last):\n" + frames + text
        return {
            "file": name,
            "status": status,
            "message": message,
            "traceback": text[-MAX_TRACEBACK_CHARS:],
            "line": line,
            "memory_error": isinstance(exc, MemoryError),
        }

    def student_traceback(self, exc: BaseException) -> tuple[str, int | None]:
        """The student's frames only, with short file names; and the deepest student line."""
        import traceback

        frames = [
            f
            for f in traceback.extract_tb(exc.__traceback__)
            if f.filename.startswith(self.work_prefix)
        ]
        line = None
        for frame in frames:
            frame.filename = frame.filename[len(self.work_prefix) :]
            line = frame.lineno
        if isinstance(exc, SyntaxError) and (exc.filename or "").startswith(self.work_prefix):
            line = exc.lineno
            exc.filename = exc.filename[len(self.work_prefix) :]  # type: ignore[index]
        text = "".join(traceback.format_list(frames))
        return text[-MAX_TRACEBACK_CHARS:], line


class TestsObject:
    """An object the tests passed in (a function, a sequence that counts its reads): it stays
    in the tests' process, and what the student's code does with it is asked for there."""

    __slots__ = ("_agent", "_number")

    def __init__(self, agent: Agent, number: int) -> None:
        object.__setattr__(self, "_agent", agent)
        object.__setattr__(self, "_number", number)

    def _ask(self, op: str, *args: object, **kwargs: object) -> Any:
        agent: Agent = object.__getattribute__(self, "_agent")
        message: dict[str, object] = {
            "local": object.__getattribute__(self, "_number"),
            "op": op,
            "args": agent.encoder.encode(list(args)),
        }
        if kwargs:
            message["kwargs"] = agent.encoder.encode(dict(kwargs))
        return agent.ask(message)

    def __getattr__(self, name: str) -> Any:
        return self._ask("getattr", name)

    def __call__(self, *args: object, **kwargs: object) -> Any:
        return self._ask("call", *args, **kwargs)

    def __len__(self) -> int:
        return int(self._ask("len"))

    def __getitem__(self, key: object) -> Any:
        return self._ask("getitem", key)

    def __iter__(self) -> Any:
        return self._ask("iter")

    def __next__(self) -> Any:
        return self._ask("next")

    def __contains__(self, item: object) -> bool:
        return bool(self._ask("contains", item))

    def __bool__(self) -> bool:
        return bool(self._ask("bool"))

    def __str__(self) -> str:
        return str(self._ask("str"))

    def __repr__(self) -> str:
        return str(self._ask("repr"))

    def __hash__(self) -> int:
        return int(self._ask("hash"))

    def __index__(self) -> int:
        return int(self._ask("index"))

    def __eq__(self, other: object) -> Any:
        return self._ask("eq", other)

    def __lt__(self, other: object) -> Any:
        return self._ask("lt", other)

    def __le__(self, other: object) -> Any:
        return self._ask("le", other)

    def __gt__(self, other: object) -> Any:
        return self._ask("gt", other)

    def __ge__(self, other: object) -> Any:
        return self._ask("ge", other)

    def __ne__(self, other: object) -> Any:
        return self._ask("ne", other)

    def __enter__(self) -> Any:
        return self._ask("enter")

    def __exit__(self, *exc_info: object) -> None:
        self._ask("exit")

    def __neg__(self) -> Any:
        return self._ask("neg")

    def __pos__(self) -> Any:
        return self._ask("pos")

    def __abs__(self) -> Any:
        return self._ask("abs")

    def __int__(self) -> int:
        return int(self._ask("int"))

    def __float__(self) -> float:
        return float(self._ask("float"))

    def __format__(self, spec: str) -> str:
        return str(self._ask("format", spec))


def _ask_binary(op: str) -> Callable[[TestsObject, object], object]:
    return lambda self, other: self._ask(op, other)


def give_tests_objects_operators() -> None:
    """Arithmetic on the tests' objects (a mock, a value of the tests' own class) is done in
    the tests' process. Made once the tool directory is importable."""
    from labtutor_wire import BINARY_OPERATIONS

    for name in BINARY_OPERATIONS:
        dunder = name.rstrip("_")
        setattr(TestsObject, f"__{dunder}__", _ask_binary(name))
        setattr(TestsObject, f"__r{dunder}__", _ask_binary("r" + name))


class RemoteStdin(io.TextIOBase):
    """The student's stdin reads what the tests' side gives (an empty stdin unless a test says)."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent

    def readable(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        return str(self.agent.ask({"stdin": "readline"}))

    def read(self, size: int | None = -1) -> str:
        return str(self.agent.ask({"stdin": "read"}))


def send_quietly(channel: Any, message: dict[str, object]) -> None:
    """A message the tests' side can do without (evidence): a broken or oversized one is
    dropped."""
    with contextlib.suppress(Exception):  # the channel's own errors: nobody to tell
        channel.send(message, EVIDENCE_LIMIT_BYTES)


def main() -> None:
    config: dict[str, list[str]] = {}
    for line in sys.stdin.read().splitlines():
        key, _, value = line.partition("=")
        config.setdefault(key, []).append(value)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    sys.path.insert(0, config["tool_dir"][0])
    from labtutor_wire import Channel

    sys.path.pop(0)
    channel = Channel(int(config["channel_fd"][0]))
    os.set_inheritable(channel.fd, False)
    work_dir = config["work_dir"][0]
    recorder = None
    if config.get("evidence") == ["1"]:
        sys.path.insert(0, config["tool_dir"][0])
        from labtutor_evidence import Recorder

        sys.path.pop(0)
        recorder = Recorder(work_dir, config.get("student_file", []))
        recorder.on_cut = lambda evidence: send_quietly(channel, {"evidence_so_far": evidence})
    exercise_classes = frozenset(config.get("exercise_class", []))
    agent = Agent(channel, int(config["capture_chars"][0]), work_dir, recorder, exercise_classes)
    sys.stdout, sys.stderr = agent.stdout, agent.stderr
    sys.stdin = RemoteStdin(agent)
    builtins.input = lambda prompt="": str(agent.ask({"input": str(prompt)}))
    sys.path.insert(0, work_dir)
    os.chdir(work_dir)
    for name in config.get("student_file", []):
        try:
            __import__(name.removesuffix(".py"))
        except BaseException as exc:  # the student's module may raise anything
            channel.send({"student_error": agent.load_error(name, exc), **agent.output()})
            return
    channel.send({"ready": True, **agent.output()})
    agent.serve()


if __name__ == "__main__":
    main()
    # Neither wait for threads the student left running nor run their atexit hooks.
    os._exit(0)
