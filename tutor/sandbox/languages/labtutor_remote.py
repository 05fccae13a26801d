"""The tests' side of the channel: the student's modules and objects as local stand-ins.

Runs in the tests' process, which holds no student code. `import solution` in a test gives a
RemoteModule. What the student's code hands out is copied here as plain data of an exact type
(numbers, str, bytes, containers, datetimes, Decimal, Fraction, complex, namedtuple, Enum members:
see labtutor_wire.py), and the test works on the copy: its operations are Python's own. Only
the exercise's own classes (those its reference defines or its tests import: a Clock, a
BankAccount) stay in the student's process as Remote stand-ins, whose attribute access, calls and
operators are forwarded there: their methods are the exercise. Functions, iterators and other
iterables of the student's get narrow stand-ins that can only be called or iterated, each result
crossing as data. Any other object is refused: "mean returned a Fake, expected a value ...".

Comparing a Remote with a plain value is decided here, on a builtin-typed copy of it; comparing
two Remotes is forwarded (the exercise's class decides about its own objects). Student classes are
RemoteClass types (calling one constructs remotely, isinstance asks remotely); student exception
classes become local subclasses of their nearest builtin exception, so assertRaises works with
either. The tests' own objects that the student's code is given (mocks, files, callbacks) stay
here and answer the student's process with LOCAL_OPERATIONS. Standard library only.
"""

from __future__ import annotations

import builtins
import operator
import sys
import types

from labtutor_wire import (
    BINARY_OPERATIONS,
    Channel,
    Decoder,
    Encoder,
    WireClosed,
    WireError,
    builtin_exception,
    reflected,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

LOCAL_OPERATIONS: dict[str, Callable[..., object]] = {
    **{name: getattr(operator, name) for name in BINARY_OPERATIONS},
    **{"r" + name: reflected(getattr(operator, name)) for name in BINARY_OPERATIONS},
    "enter": lambda obj: obj.__enter__(),
    # The student's exception does not cross into the tests' object: it sees a clean exit.
    "exit": lambda obj: obj.__exit__(None, None, None),
    "neg": operator.neg,
    "pos": operator.pos,
    "abs": abs,
    "int": int,
    "float": float,
    "format": format,
    "ne": lambda obj, other: obj != other,
    "len": len,
    "getitem": lambda obj, key: obj[key],
    "iter": iter,
    "next": next,
    "contains": lambda obj, item: item in obj,
    "bool": bool,
    "str": str,
    "repr": repr,
    "hash": hash,
    "index": lambda obj: obj.__index__(),
    "eq": lambda obj, other: obj == other,
    "lt": lambda obj, other: obj < other,
    "le": lambda obj, other: obj <= other,
    "gt": lambda obj, other: obj > other,
    "ge": lambda obj, other: obj >= other,
}
PLAIN_BASES = (dict, list, tuple, str, bytes, bytearray, set, frozenset, bool, int, float)
BROKEN = "the connection to your code broke"
VALUE_KINDS = (
    "a number, str, bytes, list, tuple, dict, set, date, time, datetime, timedelta, Decimal, "
    "Fraction or another value of the standard library"
)


# A value received from no named place (a plain copy for a comparison, setattr's None).
UNNAMED = "your code"
MAX_PATH = 200
# Places whose kinds one run records; past this a run's record stops growing.
MAX_PLACES = 2000
# Kinds that stand for one another: a student's int where the reference gave a float, a dict
# where it gave a Counter (they compare equal), a list where it gave a generator (iterated alike).
KIND_FAMILIES = {
    **dict.fromkeys(("int", "float", "Fraction", "Decimal"), "number"),
    **dict.fromkeys(("dict", "Counter", "OrderedDict", "defaultdict"), "mapping"),
    **dict.fromkeys(("set", "frozenset"), "set"),
    **dict.fromkeys(("bytes", "bytearray"), "bytes"),
}
ITERATED_KINDS = frozenset({"iterator", "iterable"})


class NotAValue(AssertionError):
    """The student's code handed out an object where the exercise expects a plain value, or a
    value of another kind than the exercise's reference handed out from the same place.

    An AssertionError: the test fails (a wrong answer, as `None` where an int is expected is),
    and no test's `assertRaises(TypeError)` or `except ValueError` can take it for the error
    the test expects the student's code to raise."""


class KindRecord:
    """The kinds of value handed out from each place ("solution.to_roman()" -> {"str"}): what
    the reference's run records, and what the student's run is then held to."""

    def __init__(self) -> None:
        self.places: dict[str, set[str]] = {}

    def note(self, source: str, kind: str) -> None:
        kinds = self.places.get(source)
        if kinds is None:
            if len(self.places) >= MAX_PLACES:
                return
            kinds = self.places[source] = set()
        kinds.add(kind)

    def as_lists(self) -> dict[str, list[str]]:
        return {source: sorted(kinds) for source, kinds in self.places.items()}


def kind_of(value: object) -> str:
    """A value's kind: its exact type's name, or what kind of stand-in it is."""
    if isinstance(value, Remote):
        return str(object.__getattribute__(value, "_lt_type"))
    for kind, stand_in in STAND_INS.items():
        if type(value) is stand_in:
            return kind
    if isinstance(value, type):
        return "class"
    return type(value).__name__


def shown_type(value: object) -> str:
    """The type to name in a message: the student's class for a stand-in of an object."""
    if isinstance(value, RemoteRef) and type(value) is not RemoteFunction:
        return str(object.__getattribute__(value, "_lt_type"))
    return kind_of(value)


def a(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


def kinds_match(kind: str, expected: list[str]) -> bool:
    if kind in expected:
        return True
    family = KIND_FAMILIES.get(kind)
    if family is not None and any(KIND_FAMILIES.get(other) == family for other in expected):
        return True
    iterated = kind in ITERATED_KINDS or kind in ("list", "tuple")
    return iterated and not ITERATED_KINDS.isdisjoint(expected)


class CannotCross(TypeError):
    """A value of the tests that cannot be sent to the student's code."""


class BrokenConnection(RuntimeError):
    """The student's process is gone or sent something unusable; every later call fails too."""


class Connection:
    def __init__(
        self,
        channel: Channel,
        exercise_classes: frozenset[str] = frozenset(),
        expected_kinds: dict[str, list[str]] | None = None,
    ) -> None:
        self.channel = channel
        self.proxies: dict[int, object] = {}
        self.locals: list[object] = []
        self.local_ids: dict[int, int] = {}
        self.encoder = Encoder(self.reference)
        self.decoder = Decoder(self.stand_in)
        self.broken: str | None = None
        # Names the test being run, for messages about what cannot cross.
        self.current_test = ""
        # The exercise's own classes: the only objects that may stay in the student's process.
        self.exercise_classes = exercise_classes
        # The type of an object refused while decoding the value being received.
        self.refused: str | None = None
        # What the exercise's reference returned from each place (see KindRecord); None: this
        # run records them, for the reference itself.
        self.expected_kinds = expected_kinds
        self.kinds = KindRecord()
        # How the tests reached each stand-in ("solution.to_roman"): the tests' names, never
        # the student's, so that the reference's run and the student's run name places alike.
        self.paths: dict[int, str] = {}
        # Receives the student's side's record of the test so far, sent when its recording
        # stops at its cap (a loop that may never end); None: such records are dropped.
        self.on_partial_evidence: Callable[[object], None] | None = None

    # Values

    def reference(self, value: object) -> list[object]:
        if isinstance(value, Remote | RemoteRef):
            return ["ref", object.__getattribute__(value, "_lt_id")]
        if isinstance(value, type) and "_lt_id" in vars(value):
            return ["ref", vars(value)["_lt_id"]]
        # Anything else of the tests' (a function, a counting sequence) stays here; the student's
        # side gets a stand-in whose calls and reads come back here (LOCAL_OPERATIONS only).
        number = self.local_ids.get(id(value))
        if number is None or self.locals[number] is not value:
            number = len(self.locals)
            self.locals.append(value)
            self.local_ids[id(value)] = number
        return ["local", number]

    def stand_in(self, node: list[object]) -> object:
        number = node[1] if len(node) == 2 else None
        if node[0] == "lref" and isinstance(number, int) and 0 <= number < len(self.locals):
            return self.locals[number]
        if node[0] == "handle" and len(node) >= 3 and type(node[1]) is int:
            number = node[1]
            existing = self.proxies.get(number)
            if existing is not None:
                return existing
            proxy = self.make_stand_in(number, node[2], node[3:])
            if proxy is not None:
                self.proxies[number] = proxy
                return proxy
            self.refused = str(node[3]) if len(node) > 3 else "object"
            return None
        raise WireError(f"an unknown value tag {node[0]!r}")

    def make_stand_in(self, number: int, kind: object, names: list[Any]) -> object:
        qualname = str(names[0]) if names else "object"
        module = str(names[1]) if len(names) > 1 else "solution"
        if kind == "class":
            return RemoteClass(qualname, (), {"_lt_id": number, "__module__": module})
        if kind == "exc_class":
            parent = names[2] if len(names) > 2 else None
            if isinstance(parent, list) and parent[:1] == ["builtin"] and len(parent) == 2:
                base: type = builtin_exception(parent[1])
            elif isinstance(parent, list):
                base = self.decoder.decode(parent)
                if not (isinstance(base, type) and issubclass(base, BaseException)):
                    raise WireError("an exception class without an exception base")
            else:
                base = Exception
            name = qualname.rpartition(".")[2]
            namespace = {"_lt_id": number, "__module__": module, "__qualname__": qualname}
            return type(name, (base,), namespace)
        stand_in: type | None = STAND_INS.get(str(kind))
        if kind == "object" and qualname in self.exercise_classes:
            stand_in = Remote
        if stand_in is None:
            return None  # not one of the exercise's classes: refused, see value_of
        if stand_in is Remote:
            self.paths.setdefault(number, qualname)
        proxy: object = object.__new__(stand_in)
        object.__setattr__(proxy, "_lt_id", number)
        object.__setattr__(proxy, "_lt_type", qualname)
        return proxy

    # Requests

    def request(self, message: dict[str, object]) -> dict[str, object]:
        """Send one request and wait for its answer, serving input and the tests' objects
        meanwhile."""
        if self.broken is not None:
            raise BrokenConnection(self.broken)
        try:
            self.channel.send(message)
            while True:
                reply = self.channel.receive()
                self.write_output(reply)
                if "input" in reply or "stdin" in reply or "local" in reply:
                    self.channel.send(self.serve_student(reply))
                    continue
                if "broken" in reply:
                    raise WireError("the student's side could not read a request")
                if "evidence_so_far" in reply:
                    if self.on_partial_evidence is not None:
                        self.on_partial_evidence(reply["evidence_so_far"])
                    continue
                return reply
        except WireClosed as error:
            self.broken = f"{BROKEN}: your program ended or was stopped ({error})"
        except WireError as error:
            self.broken = f"{BROKEN}: {error}"
        raise BrokenConnection(self.broken)

    def write_output(self, reply: dict[str, object]) -> None:
        out, err = reply.get("out"), reply.get("err")
        if isinstance(out, str) and out:
            sys.stdout.write(out)
        if isinstance(err, str) and err:
            sys.stderr.write(err)

    def serve_student(self, ask: dict[str, Any]) -> dict[str, object]:
        """input(), a read of stdin, or a use of a test's object, made by the student's code."""
        try:
            if "input" in ask:
                value: object = builtins.input(str(ask["input"]))
            elif ask.get("stdin") == "read":
                value = sys.stdin.read()
            elif "stdin" in ask:
                value = sys.stdin.readline()
            else:
                value = self.serve_local(ask)
            return {"ok": self.encoder.encode(value)}
        except WireError:
            raise
        except BaseException as exc:
            return {"raise": type(exc).__name__, "message": str(exc)}

    def serve_local(self, ask: dict[str, Any]) -> object:
        """An operation of the student's code on one of the tests' objects it was given."""
        number, op = ask["local"], ask.get("op")
        if type(number) is not int or not 0 <= number < len(self.locals):
            raise WireError("an unknown object of the tests")
        target = self.locals[number]
        args = self.decoder.decode(ask.get("args", ["list"]))
        if not isinstance(args, list):
            raise WireError("arguments that are not a list")
        if op == "call":
            kwargs = self.decoder.decode(ask.get("kwargs", ["dict"]))
            if not isinstance(kwargs, dict):
                raise WireError("keyword arguments that are not a dict")
            return target(*args, **kwargs)  # type: ignore[operator]
        if op == "getattr":
            name = args[0] if args else None
            # Private and special attributes would lead into the tests' globals and code.
            if not isinstance(name, str) or name.startswith("_"):
                raise AttributeError(f"{name!r} of the tests' object is out of reach")
            return getattr(target, name)
        operation = LOCAL_OPERATIONS.get(str(op))
        if operation is None:
            raise TypeError(f"the student's code may not {op} the tests' objects")
        return operation(target, *args)

    def value_of(self, reply: dict[str, object], source: str = UNNAMED) -> object:
        if "raise" in reply:
            raise self.exception(reply["raise"])
        if "ok" not in reply:
            self.broken = f"{BROKEN}: an answer without a value"
            raise BrokenConnection(self.broken)
        self.refused = None
        try:
            value = self.decoder.decode(reply["ok"])
        except WireError as error:
            raise BrokenConnection(f"{BROKEN}: {error}") from None
        expected = None if self.expected_kinds is None else self.expected_kinds.get(source)
        if self.refused is not None:
            raise NotAValue(self.refusal(source, self.refused, expected))
        if source != UNNAMED:
            kind = kind_of(value)
            if expected is not None and not kinds_match(kind, expected):
                raise NotAValue(self.refusal(source, shown_type(value), expected))
            self.kinds.note(source, kind)
        return value

    def refusal(self, source: str, kind: str, expected: list[str] | None) -> str:
        if expected:
            return f"{source} returned {a(kind)}, expected {' or '.join(map(a, expected))}"
        classes = sorted(self.exercise_classes)
        own = f", or an object of the exercise's classes ({', '.join(classes)})" if classes else ""
        return f"{source} returned {a(kind)}, expected a value: {VALUE_KINDS}{own}"

    def note_path(self, value: object, path: str) -> None:
        """Name a stand-in just received by how the tests reached it (first name wins)."""
        if isinstance(value, Remote | RemoteRef | RemoteClass) and len(path) <= MAX_PATH:
            self.paths.setdefault(_id(value), path)

    def exception(self, fields: object) -> BaseException:
        if not isinstance(fields, dict):
            return BrokenConnection(f"{BROKEN}: an unreadable error")
        kind = fields.get("class")
        try:
            if isinstance(kind, list) and kind[:1] == ["builtin"] and len(kind) == 2:
                cls: object = builtin_exception(kind[1])
            else:
                cls = self.decoder.decode(kind)
            args = self.decoder.decode(fields["args"]) if fields.get("args") is not None else None
        except (WireError, KeyError) as error:
            return BrokenConnection(f"{BROKEN}: {error}")
        if not (isinstance(cls, type) and issubclass(cls, BaseException)):
            return BrokenConnection(f"{BROKEN}: an error that is not an exception")
        if issubclass(cls, KeyboardInterrupt | GeneratorExit):
            # These would stop the tests' own machinery (unittest re-raises KeyboardInterrupt).
            cls = RuntimeError
        message = fields.get("message")
        message = message if isinstance(message, str) else ""
        exc = _build_exception(cls, args if isinstance(args, list) else [message])
        traceback_text = fields.get("traceback")
        line = fields.get("line")
        exc.labtutor_remote = (  # type: ignore[attr-defined]
            traceback_text if isinstance(traceback_text, str) else "",
            line if type(line) is int else None,
        )
        return exc

    def call(self, number: int, args: tuple[object, ...], kwargs: dict[str, object]) -> object:
        encoded_args = self.encoder.encode(list(args))
        encoded_kwargs = self.encoder.encode(dict(kwargs))
        reply = self.request(
            {"op": "call", "h": number, "args": encoded_args, "kwargs": encoded_kwargs}
        )
        source = f"{self.name_of(number)}()"
        value = self.value_of(reply, source)
        self.note_path(value, source)
        changed = reply.get("changed")
        if isinstance(changed, dict) and changed:
            self.apply_changes(changed, args, kwargs)
        return value

    def apply_changes(
        self, changed: dict[str, object], args: tuple[object, ...], kwargs: dict[str, object]
    ) -> None:
        """Arguments the student's code changed in place: change them here too."""
        for key, encoded in changed.items():
            target = args[int(key)] if key.isdigit() and int(key) < len(args) else kwargs.get(key)
            self.refused = None
            try:
                value = self.decoder.decode(encoded)
            except WireError as error:
                raise BrokenConnection(f"{BROKEN}: {error}") from None
            if self.refused is not None:
                raise NotAValue(self.refusal("an argument your code changed", self.refused, None))
            if type(target) is not type(value):
                continue
            copy: Any = value
            if isinstance(target, list | bytearray):
                target[:] = copy
            elif isinstance(target, dict | set):
                target.clear()
                target.update(copy)

    def operate(self, number: int, op: str, *args: object) -> object:
        reply = self.request({"op": op, "h": number, "args": self.encoder.encode(list(args))})
        if op == "getattr_" and args:
            source = f"{self.name_of(number)}.{args[0]}"
            value = self.value_of(reply, source)
            self.note_path(value, source)
            return value
        return self.value_of(reply, f"{op} of {self.name_of(number)}")

    def name_of(self, number: int) -> str:
        """How the tests reached a stand-in, else the student's name for it."""
        path = self.paths.get(number)
        if path is not None:
            return path
        proxy = self.proxies.get(number)
        if isinstance(proxy, type):
            return proxy.__qualname__
        if isinstance(proxy, RemoteModule):
            return proxy.__name__
        try:
            return str(object.__getattribute__(proxy, "_lt_type"))
        except AttributeError:
            return UNNAMED

    def plain_copy(self, number: int) -> object:
        """A builtin-typed copy of the remote object, or NotImplemented when it has none."""
        reply = self.request({"op": "plain", "h": number})
        if "raise" in reply:
            return NotImplemented
        value = self.value_of(reply)
        return value if type(value) in PLAIN_BASES else NotImplemented


def _build_exception(cls: type[BaseException], args: list[object]) -> BaseException:
    try:
        return cls(*args)
    except Exception:
        exc = cls.__new__(cls)
        exc.args = tuple(args)
        return exc


CONNECTION: Connection | None = None


def _connection() -> Connection:
    assert CONNECTION is not None
    return CONNECTION


def _id(proxy: Any) -> int:
    return object.__getattribute__(proxy, "_lt_id")


def _forward(op: str) -> Callable[..., object]:
    def method(self: Remote, *args: object) -> object:
        try:
            return _connection().operate(_id(self), op, *args)
        except CannotCross:
            return NotImplemented

    method.__name__ = f"__{op}__"
    return method


def _compare(op: str) -> Callable[[Remote, object], object]:
    def method(self: Remote, other: object) -> object:
        if isinstance(other, Remote):
            return _connection().operate(_id(self), op, other)
        # Against a plain value: decided here, on a builtin-typed copy, never by the student.
        copy = _connection().plain_copy(_id(self))
        if copy is NotImplemented:
            return NotImplemented
        return getattr(copy, f"__{op}__")(other)

    method.__name__ = f"__{op}__"
    return method


class Remote:
    """An object that lives in the student's process."""

    __slots__ = ("__weakref__", "_lt_id", "_lt_type")

    def __getattr__(self, name: str) -> object:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _connection().operate(_id(self), "getattr_", name)

    def __setattr__(self, name: str, value: object) -> None:
        connection = _connection()
        connection.value_of(
            connection.request(
                {
                    "op": "setattr",
                    "h": _id(self),
                    "name": name,
                    "value": connection.encoder.encode(value),
                }
            )
        )

    def __delattr__(self, name: str) -> None:
        connection = _connection()
        connection.value_of(connection.request({"op": "delattr", "h": _id(self), "name": name}))

    def __call__(self, *args: object, **kwargs: object) -> object:
        return _connection().call(_id(self), args, kwargs)

    def __iter__(self) -> Iterator[object]:
        return _connection().operate(_id(self), "iter")  # type: ignore[return-value]

    def __next__(self) -> object:
        return _connection().operate(_id(self), "next")

    def __len__(self) -> int:
        return _typed(_connection().operate(_id(self), "len"), int, "__len__")

    def __str__(self) -> str:
        return _typed(_connection().operate(_id(self), "str"), str, "__str__")

    def __repr__(self) -> str:
        return _typed(_connection().operate(_id(self), "repr"), str, "__repr__")

    def __format__(self, spec: str) -> str:
        return _typed(_connection().operate(_id(self), "format", spec), str, "__format__")

    def __hash__(self) -> int:
        return _typed(_connection().operate(_id(self), "hash"), int, "__hash__")

    def __bool__(self) -> bool:
        return _typed(_connection().operate(_id(self), "bool"), bool, "__bool__")

    def __int__(self) -> int:
        return _typed(_connection().operate(_id(self), "int"), int, "__int__")

    def __float__(self) -> float:
        return _typed(_connection().operate(_id(self), "float"), float, "__float__")

    def __index__(self) -> int:
        return _typed(_connection().operate(_id(self), "index"), int, "__index__")

    def __dir__(self) -> list[str]:
        names = _connection().operate(_id(self), "dir")
        return [name for name in names if isinstance(name, str)] if isinstance(names, list) else []

    def __contains__(self, item: object) -> bool:
        return bool(_connection().operate(_id(self), "contains", item))

    def __setitem__(self, key: object, value: object) -> None:
        _connection().operate(_id(self), "setitem", key, value)

    __getitem__ = _forward("getitem")
    __delitem__ = _forward("delitem")
    __eq__ = _compare("eq")  # type: ignore[assignment]
    __ne__ = _compare("ne")  # type: ignore[assignment]
    __lt__ = _compare("lt")
    __le__ = _compare("le")
    __gt__ = _compare("gt")
    __ge__ = _compare("ge")
    __neg__ = _forward("neg")
    __pos__ = _forward("pos")
    __abs__ = _forward("abs")
    __invert__ = _forward("invert")


for _name in BINARY_OPERATIONS:
    _dunder = _name.rstrip("_")
    setattr(Remote, f"__{_dunder}__", _forward(_name))
    setattr(Remote, f"__r{_dunder}__", _forward("r" + _name))


class RemoteRef:
    """A student's object that the tests may only name (a module, before it is imported)."""

    __slots__ = ("__weakref__", "_lt_id", "_lt_type")

    def __repr__(self) -> str:
        return f"<{object.__getattribute__(self, '_lt_type')} in the student's process>"


class RemoteFunction(RemoteRef):
    """A student's function or method: the tests may call it; what it returns crosses as data."""

    __slots__ = ()

    def __call__(self, *args: object, **kwargs: object) -> object:
        return _connection().call(_id(self), args, kwargs)


class RemoteIterable(RemoteRef):
    """A student's iterable that is not a value (a range, a dict view): iterated item by item,
    each item crossing as data; `in` works by iterating, never by asking the student's code."""

    __slots__ = ()

    def __iter__(self) -> Iterator[object]:
        return _connection().operate(_id(self), "iter")  # type: ignore[return-value]

    def __len__(self) -> int:
        return _typed(_connection().operate(_id(self), "len"), int, "__len__")


class RemoteIterator(RemoteIterable):
    """A student's iterator or generator: next() gives each item as data."""

    __slots__ = ()

    def __iter__(self) -> Iterator[object]:
        return self

    def __next__(self) -> object:
        return _connection().operate(_id(self), "next")


# The stand-in for each kind of handle the student's process names; "object" is Remote for the
# exercise's own classes and refused otherwise.
STAND_INS: dict[str, type[RemoteRef]] = {
    "module": RemoteRef,
    "function": RemoteFunction,
    "iterable": RemoteIterable,
    "iterator": RemoteIterator,
}


def _typed(value: object, kind: type, method: str) -> Any:
    if type(value) is not kind and not (kind is int and type(value) is bool):
        raise TypeError(f"{method} of the student's object returned a {type(value).__name__}")
    return value


class RemoteClass(type):
    """The type of a student class's stand-in: calls construct remotely, isinstance asks there."""

    def __new__(
        mcs, name: str, bases: tuple[type, ...], namespace: dict[str, object]
    ) -> RemoteClass:
        if bases:
            where = (
                f" (in {CONNECTION.current_test})" if CONNECTION and CONNECTION.current_test else ""
            )
            raise TypeError(
                f"a test cannot subclass {bases[0].__qualname__}, a class of the student's "
                f"code{where}: it lives in another process (an exercise that needs this can set "
                "in_process = true)"
            )
        return super().__new__(mcs, name, (), namespace)

    def __call__(cls, *args: object, **kwargs: object) -> object:
        return _connection().call(_id(cls), args, kwargs)

    def __getattr__(cls, name: str) -> object:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _connection().operate(_id(cls), "getattr_", name)

    def __setattr__(cls, name: str, value: object) -> None:
        if name.startswith("_"):
            super().__setattr__(name, value)
            return
        # mock.patch.object(StudentClass, "method", ...): the student's code must see it.
        _connection().operate(_id(cls), "setattr_", name, value)

    def __delattr__(cls, name: str) -> None:
        if name.startswith("_"):
            super().__delattr__(name)
            return
        _connection().operate(_id(cls), "delattr_", name)

    def __instancecheck__(cls, instance: object) -> bool:
        if not isinstance(instance, Remote):
            return False
        return bool(_connection().operate(_id(instance), "isinstance", cls))

    def __subclasscheck__(cls, subclass: type) -> bool:
        if not isinstance(subclass, RemoteClass):
            return False
        return bool(_connection().operate(_id(subclass), "issubclass", cls))

    def __repr__(cls) -> str:
        return f"<class '{cls.__module__}.{cls.__qualname__}'>"


class RemoteModule(types.ModuleType):
    """A student module: attribute reads and writes go to the student's process."""

    def __getattr__(self, name: str) -> object:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        number = self.__dict__["_lt_id"]
        try:
            return _connection().operate(number, "getattr_", name)
        except AttributeError:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}") from None

    def __setattr__(self, name: str, value: object) -> None:
        if name.startswith("_"):
            super().__setattr__(name, value)
            return
        connection = _connection()
        request = {
            "op": "setattr",
            "h": self.__dict__["_lt_id"],
            "name": name,
            "value": connection.encoder.encode(value),
        }
        connection.value_of(connection.request(request))

    def __delattr__(self, name: str) -> None:
        if name.startswith("_"):
            super().__delattr__(name)
            return
        connection = _connection()
        request = {"op": "delattr", "h": self.__dict__["_lt_id"], "name": name}
        connection.value_of(connection.request(request))


class RemoteModuleFinder:
    """Imports of the student's module names give RemoteModules; nothing else is touched."""

    def __init__(self, names: set[str]) -> None:
        self.names = names

    def find_spec(self, name: str, path: object = None, target: object = None) -> object:
        if name not in self.names:
            return None
        import importlib.machinery

        loader: Any = self
        return importlib.machinery.ModuleSpec(name, loader)

    def create_module(self, spec: object) -> RemoteModule:
        name = spec.name  # type: ignore[attr-defined]
        connection = _connection()
        reply = connection.request({"op": "import", "name": name})
        handle = connection.value_of(reply)
        module = RemoteModule(name)
        module.__dict__["_lt_id"] = _id(handle)
        connection.paths[_id(handle)] = name
        names = reply.get("names")
        if isinstance(names, list):
            module.__dict__["__all__"] = [str(item) for item in names if isinstance(item, str)]
        module.__dict__["__file__"] = f"<{name}.py, in the student's sandbox>"
        return module

    def exec_module(self, module: object) -> None:
        return None


def connect(
    channel: Channel,
    student_modules: set[str],
    exercise_classes: frozenset[str] = frozenset(),
    expected_kinds: dict[str, list[str]] | None = None,
) -> Connection:
    global CONNECTION
    CONNECTION = Connection(channel, exercise_classes, expected_kinds)
    finder: Any = RemoteModuleFinder(student_modules)
    sys.meta_path.insert(0, finder)
    return CONNECTION
