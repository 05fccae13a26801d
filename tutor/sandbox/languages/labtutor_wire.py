"""The channel between the tests' process and the student's process. Standard library only.

Both sandboxes get this file. Messages are length-prefixed JSON objects; values inside them are
tagged so that each side rebuilds exact builtin types only (never unpickled, never a class the
other side chose):

    None, bool, int, float, str          as themselves (NaN and infinities as JSON extensions)
    ["list", item, ...]                  likewise "tuple", "set", "frozenset"
    ["dict", key, value, key, value...]
    ["bytes", latin-1 text]              likewise "bytearray"
    ["complex", real, imag]              and the standard library's values, each rebuilt as
    ["decimal", text]                    its exact type: "fraction", "date", "time",
    ["datetime", y, m, d, H, M, S, us,   "timedelta", "timezone", "zoneinfo", "counter",
     tzinfo, fold]                       "ordereddict", "defaultdict", "deque", "namedtuple"
                                         (rebuilt from its name and fields), "enumclass" and
                                         "enum" (an Enum class rebuilt from its members' values)
    ["handle", id, kind, ...]            an object that stays in the student's process
    ["ref", id]                          such an object, sent back to the student's process
    ["local", id]                        an object that stays in the tests' process (a function,
                                         a sequence that counts its reads)
    ["lref", id]                         such an object, sent back to the tests' process

A value of a subclass of one of these types (a str subclass, a namedtuple, an Enum member) crosses
as a copy of its value type: never an object whose methods the other side wrote. Whatever arrives
is decoded with caps on message size and nesting depth (large values are bounded by the run's
time and memory limits, not by an element count); a broken message raises WireError, never
anything else.
"""

from __future__ import annotations

import os
import sys
from _json import encode_basestring_ascii, make_encoder, make_scanner

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

# A million-element list of numbers is about 8 MiB of JSON; the memory limit bounds the rest.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 100
READ_CHUNK = 65536
CONTAINERS = {list: "list", tuple: "tuple", set: "set", frozenset: "frozenset"}
SCALARS = (str, int, float, bool, type(None))
SCALAR_TYPES = frozenset(SCALARS)
# Factories a defaultdict may cross with (anything else crosses without one).
DEFAULT_FACTORIES = {
    factory.__name__: factory for factory in (int, float, str, bytes, list, tuple, dict, set)
}
# The operator module's binary operations that both sides forward (and their reflections).
BINARY_OPERATIONS = (
    "add",
    "sub",
    "mul",
    "truediv",
    "floordiv",
    "mod",
    "pow",
    "matmul",
    "and_",
    "or_",
    "xor",
    "lshift",
    "rshift",
)
ENUM_KINDS = ("IntFlag", "Flag", "IntEnum", "StrEnum", "Enum")


def _refuse(value: object) -> object:
    raise TypeError(f"a {type(value).__name__} in a message")


class _ScannerContext:
    """What _json's C scanner reads: json's defaults, without importing json (and re)."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}.get
    memo: dict[str, object] = {}


# The C encoder and scanner that json itself uses: compact, ASCII, NaN allowed, no circular check
# (messages are built by Encoder, whose depth is capped).
_encode = make_encoder(None, _refuse, encode_basestring_ascii, None, ":", ",", False, False, True)
_scan = make_scanner(_ScannerContext())  # type: ignore[arg-type]


def _dumps(message: object) -> str:
    return "".join(_encode(message, 0))


def _loads(text: str) -> object:
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        raise ValueError("not JSON") from None
    if end != len(text):
        raise ValueError("text after the JSON value")
    return value


def json_value(text: str) -> object:
    """A JSON text's value (ValueError for anything else), without importing json."""
    return _loads(text)


class WireError(Exception):
    """A message or value that breaks the rules of the channel."""


class WireClosed(WireError):
    """The other side is gone (it ended, or was killed)."""


class Channel:
    """One end of a stream socket carrying length-prefixed JSON messages."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()

    def send(self, message: dict[str, object], limit: int = MAX_MESSAGE_BYTES) -> None:
        try:
            text = _dumps(message)
        except (ValueError, TypeError, RecursionError) as error:
            raise WireError(f"cannot encode the message: {error}") from None
        # ASCII JSON: as many bytes as characters, so the cap is checked before copying it.
        if len(text) > limit:
            raise WireError(f"a value over {limit / (1024 * 1024):g} MiB")
        data = text.encode()
        del text
        try:
            for part in (len(data).to_bytes(4, "big"), data):
                view = memoryview(part)
                while view:
                    view = view[os.write(self.fd, view) :]
        except OSError as error:
            raise WireClosed(f"the other side is gone ({error.strerror})") from None

    def receive(self) -> dict[str, object]:
        length = int.from_bytes(self._read_exactly(4), "big")
        if length > MAX_MESSAGE_BYTES:
            # A sender that keeps the rules never writes one (send refuses it before writing):
            # this stream is broken, and nothing after it can be trusted to line up.
            raise WireError("a message over the size limit")
        data = self._read_exactly(length)
        try:
            message = _loads(data.decode("utf-8"))
        except (ValueError, RecursionError, MemoryError, UnicodeDecodeError) as error:
            raise WireError(f"an unreadable message ({type(error).__name__})") from None
        if not isinstance(message, dict):
            raise WireError("a message that is not an object")
        return message

    def _fill(self) -> None:
        try:
            chunk = os.read(self.fd, READ_CHUNK)
        except OSError as error:
            raise WireClosed(f"the other side is gone ({error.strerror})") from None
        if not chunk:
            raise WireClosed("the other side is gone")
        self.buffer += chunk

    def _read_exactly(self, count: int) -> bytes:
        while len(self.buffer) < count:
            self._fill()
        data = bytes(self.buffer[:count])
        del self.buffer[:count]
        return data


class Encoder:
    """Plain values to tagged JSON; everything else goes through `other` (one per side).

    own_classes: qualified names of the exercise's own classes, whose instances go through
    `other` even where they derive from a value type (their methods are the exercise).
    """

    def __init__(
        self, other: Callable[[object], list[object]], own_classes: frozenset[str] = frozenset()
    ) -> None:
        self.other = other
        self.own_classes = own_classes

    def encode(self, value: object, depth: int = 0) -> object:
        kind = type(value)
        if kind in SCALAR_TYPES:
            return value
        if depth > MAX_DEPTH:
            if kind in CONTAINERS or kind is dict:
                raise ValueError(f"a value nested more than {MAX_DEPTH} levels deep")
            return self.other(value)
        tag = CONTAINERS.get(kind)  # type: ignore[call-overload]
        if tag is not None:
            # A million numbers: checked and copied at C speed, not one call per element.
            if all(map(SCALAR_TYPES.__contains__, map(type, value))):  # type: ignore[call-overload]
                return [tag, *value]  # type: ignore[misc]
            return [tag, *[self.encode(item, depth + 1) for item in value]]  # type: ignore[attr-defined]
        if kind is dict:
            return ["dict", *self.pairs(value, depth)]  # type: ignore[arg-type]
        if kind is bytes or kind is bytearray:
            return [kind.__name__, value.decode("latin-1")]  # type: ignore[attr-defined]
        standard = standard_types().get(kind)
        if standard is not None:
            return self.standard(standard, value, depth)
        if kind.__qualname__ in self.own_classes:
            return self.other(value)
        copy = value_copy(value)
        if copy is not NO_COPY:
            return self.encode(copy, depth + 1)
        if enum_kind(kind) is not None:
            return ["enum", self.enum_class(kind, depth), value.name]  # type: ignore[attr-defined]
        if isinstance(value, tuple) and isinstance(getattr(kind, "_fields", None), tuple):
            fields = ["list", *[str(field) for field in kind._fields]]  # type: ignore[attr-defined]
            items = [self.encode(item, depth + 1) for item in value]
            return ["namedtuple", kind.__name__, fields, *items]
        if isinstance(value, type) and enum_kind(value) is not None:
            return self.enum_class(value, depth)
        return self.other(value)

    def pairs(self, mapping: dict[object, object], depth: int) -> list[object]:
        encoded: list[object] = []
        for key, item in mapping.items():
            encoded += [self.encode(key, depth + 1), self.encode(item, depth + 1)]
        return encoded

    def standard(self, tag: str, value: Any, depth: int) -> list[object]:
        """A standard library value of exactly that type, as its fields."""
        if tag == "complex":
            return [tag, value.real, value.imag]
        if tag == "decimal":
            return [tag, str(value)]
        if tag == "fraction":
            return [tag, value.numerator, value.denominator]
        if tag == "timedelta":
            return [tag, value.days, value.seconds, value.microseconds]
        if tag == "date":
            return [tag, value.year, value.month, value.day]
        if tag == "time":
            zone = self.encode(value.tzinfo, depth + 1)
            return [
                tag,
                value.hour,
                value.minute,
                value.second,
                value.microsecond,
                zone,
                value.fold,
            ]
        if tag == "datetime":
            zone = self.encode(value.tzinfo, depth + 1)
            fields = [value.year, value.month, value.day, value.hour, value.minute, value.second]
            return [tag, *fields, value.microsecond, zone, value.fold]
        if tag == "timezone":
            return [tag, self.encode(value.utcoffset(None), depth + 1), value.tzname(None)]
        if tag == "zoneinfo":
            return [tag, str(value.key)]
        if tag == "defaultdict":
            factory = value.default_factory
            name = getattr(factory, "__name__", None)
            name = name if DEFAULT_FACTORIES.get(name) is factory else None  # type: ignore[arg-type]
            return [tag, name, *self.pairs(value, depth)]
        if tag == "deque":
            items = [self.encode(item, depth + 1) for item in value]
            return [tag, value.maxlen, *items]
        return [tag, *self.pairs(value, depth)]  # counter, ordereddict

    def enum_class(self, cls: Any, depth: int) -> list[object]:
        members = [
            ["list", str(name), self.encode(member.value, depth + 2)]
            for name, member in cls.__members__.items()
        ]
        names = [str(cls.__qualname__), str(cls.__module__)]
        return ["enumclass", enum_kind(cls), *names, ["list", *members]]


class Decoder:
    """Tagged JSON back to exact types; handle-like tags go through `other`."""

    def __init__(self, other: Callable[[list[object]], object]) -> None:
        self.other = other
        # Rebuilt namedtuple and Enum classes, one per description: members stay identical.
        self.classes: dict[str, type] = {}

    def decode(self, node: object) -> object:
        try:
            return self._decode(node, 0)
        except WireError:
            raise
        except (RecursionError, MemoryError, ValueError, TypeError, OverflowError) as error:
            raise WireError(f"an unusable value ({type(error).__name__}: {error})") from None

    def _decode(self, node: object, depth: int) -> object:
        kind = type(node)
        if kind in SCALAR_TYPES:
            return node
        if depth > MAX_DEPTH + 2:
            raise WireError("a value nested too deeply")
        if kind is not list or not node or type(node[0]) is not str:  # type: ignore[index]
            raise WireError("an untagged value")
        tag, items = node[0], node[1:]  # type: ignore[index]
        build = CONTAINER_BUILDERS.get(tag)
        if build is not None:
            if all(map(SCALAR_TYPES.__contains__, map(type, items))):
                return build(items)
            return build([self._decode(item, depth + 1) for item in items])
        if tag in ("bytes", "bytearray"):
            if len(items) != 1 or type(items[0]) is not str:
                raise WireError("a malformed bytes value")
            data = items[0].encode("latin-1")
            return data if tag == "bytes" else bytearray(data)
        if tag in STANDARD_TAGS:
            return self.standard(tag, [self._decode(item, depth + 1) for item in items])
        if tag == "namedtuple":
            return self.namedtuple(items, depth)
        if tag == "enumclass":
            return self.enum_class(items, depth)
        if tag == "enum" and len(items) == 2 and type(items[1]) is str:
            cls: Any = self._decode(items[0], depth + 1)
            if not isinstance(cls, type) or enum_kind(cls) is None:
                raise WireError("an Enum member without its Enum class")
            return cls.__members__[items[1]]  # type: ignore[attr-defined]
        return self.other(node)  # type: ignore[arg-type]

    def standard(self, tag: str, fields: list[Any]) -> object:
        if tag == "complex":
            return complex(*typed(fields, (float, int), 2))
        if tag == "decimal":
            import decimal

            return decimal.Decimal(*typed(fields, str, 1))
        if tag == "fraction":
            import fractions

            return fractions.Fraction(*typed(fields, int, 2))
        if tag == "zoneinfo":
            import zoneinfo

            return zoneinfo.ZoneInfo(*typed(fields, str, 1))
        if tag in ("counter", "ordereddict", "defaultdict", "deque"):
            return self.collection(tag, fields)
        import datetime

        if tag == "timedelta":
            return datetime.timedelta(*typed(fields, int, 3))
        if tag == "date":
            return datetime.date(*typed(fields, int, 3))
        if tag == "timezone":
            offset, name = fields if len(fields) == 2 else (None, None)
            if type(offset) is not datetime.timedelta or type(name) is not str:
                raise WireError("a malformed timezone")
            return datetime.timezone(offset, name)
        count = 7 if tag == "datetime" else 4
        if len(fields) != count + 2 or fields[-1] not in (0, 1):
            raise WireError(f"a malformed {tag}")
        zone, fold = fields[-2], fields[-1]
        if zone is not None and not isinstance(zone, datetime.tzinfo):
            raise WireError(f"a {tag} whose time zone is not a time zone")
        build: Any = datetime.datetime if tag == "datetime" else datetime.time
        return build(*typed(fields[:count], int, count), tzinfo=zone, fold=fold)

    def collection(self, tag: str, fields: list[Any]) -> object:
        import collections

        if tag == "deque":
            maxlen = fields[0] if fields else None
            if maxlen is not None and type(maxlen) is not int:
                raise WireError("a malformed deque")
            return collections.deque(fields[1:], maxlen)
        start = 1 if tag == "defaultdict" else 0
        pairs = fields[start:]
        if len(pairs) % 2:
            raise WireError("a mapping with a key and no value")
        content = dict(zip(pairs[::2], pairs[1::2], strict=True))
        if tag == "counter":
            return collections.Counter(content)
        if tag == "ordereddict":
            return collections.OrderedDict(content)
        factory = DEFAULT_FACTORIES.get(fields[0]) if fields and fields[0] is not None else None
        return collections.defaultdict(factory, content)

    def namedtuple(self, items: list[Any], depth: int) -> object:
        if len(items) < 2 or type(items[0]) is not str:
            raise WireError("a malformed namedtuple")
        fields = self._decode(items[1], depth + 1)
        if type(fields) is not list or not all(type(field) is str for field in fields):
            raise WireError("a namedtuple without field names")
        values = [self._decode(item, depth + 1) for item in items[2:]]
        key = repr(["namedtuple", items[0], fields])
        cls: Any = self.classes.get(key)
        if cls is None:
            import collections

            # namedtuple() itself refuses names that are not identifiers (ValueError).
            cls = self.classes[key] = collections.namedtuple(items[0], fields)
        return cls(*values)

    def enum_class(self, items: list[Any], depth: int) -> type:
        if len(items) != 4 or items[0] not in ENUM_KINDS:
            raise WireError("a malformed Enum class")
        kind, qualname, module, members = items
        key = repr(items)
        cls = self.classes.get(key)
        if cls is not None:
            return cls
        pairs = self._decode(members, depth + 1)
        if type(pairs) is not list or not all(
            type(pair) is list and len(pair) == 2 and type(pair[0]) is str for pair in pairs
        ):
            raise WireError("an Enum class with malformed members")
        # Members only: a name such as "__eq__" would make its value one of the class's methods,
        # and values are data: never a stand-in (a function of the student's) as a member.
        for name, value in pairs:
            if name.startswith("_") or not isinstance(value, (*SCALARS, *VALUE_BASES)):
                raise WireError("an Enum class with a member that is not a plain value")
        import enum

        name = str(qualname).rpartition(".")[2]
        cls = getattr(enum, kind)(name, [tuple(pair) for pair in pairs], module=str(module))
        cls.__qualname__ = str(qualname)
        self.classes[key] = cls
        return cls


CONTAINER_BUILDERS: dict[object, Callable[[list[Any]], object]] = {
    "list": list,
    "tuple": tuple,
    "set": set,
    "frozenset": frozenset,
    "dict": lambda values: (
        dict(zip(values[::2], values[1::2], strict=True)) if len(values) % 2 == 0 else _odd()
    ),
}
STANDARD_TAGS = frozenset(
    {
        "complex",
        "decimal",
        "fraction",
        "date",
        "time",
        "datetime",
        "timedelta",
        "timezone",
        "zoneinfo",
        "counter",
        "ordereddict",
        "defaultdict",
        "deque",
    }
)
# The value types to copy a subclass's instance to, nearest first (datetime before date).
VALUE_BASES: tuple[type, ...] = (
    bool,
    int,
    float,
    complex,
    str,
    bytes,
    bytearray,
    list,
    tuple,
    dict,
    set,
    frozenset,
)
NO_COPY = object()
_standard_cache: list[Any] = [None, {}]


def _odd() -> dict[object, object]:
    raise WireError("a dict with a key and no value")


def typed(fields: list[Any], kinds: type | tuple[type, ...], count: int) -> list[Any]:
    """The fields, when there are `count` of them and each is of `kinds` (never a bool)."""
    if len(fields) != count or not all(
        isinstance(field, kinds) and type(field) is not bool for field in fields
    ):
        raise WireError("a malformed standard value")
    return fields


def standard_types() -> dict[type, str]:
    """The standard library's value types that this process has imported, and their tags.

    A module that was never imported has made no value to send, so nothing is imported here.
    """
    modules = sys.modules
    loaded = tuple(
        name in modules for name in ("datetime", "decimal", "fractions", "collections", "zoneinfo")
    )
    if _standard_cache[0] == loaded:
        return _standard_cache[1]
    found: dict[type, str] = {complex: "complex"}
    if "datetime" in modules:
        dt = modules["datetime"]
        for name in ("date", "time", "datetime", "timedelta", "timezone"):
            found[getattr(dt, name)] = name
    if "decimal" in modules:
        found[modules["decimal"].Decimal] = "decimal"
    if "fractions" in modules:
        found[modules["fractions"].Fraction] = "fraction"
    if "collections" in modules:
        col = modules["collections"]
        found.update(
            {
                col.Counter: "counter",
                col.OrderedDict: "ordereddict",
                col.defaultdict: "defaultdict",
                col.deque: "deque",
            }
        )
    if "zoneinfo" in modules:
        found[modules["zoneinfo"].ZoneInfo] = "zoneinfo"
    _standard_cache[:] = [loaded, found]
    return found


def enum_kind(cls: type) -> str | None:
    """Which of the enum module's base classes an Enum class derives from, if it is one."""
    enum = sys.modules.get("enum")
    if enum is None or not isinstance(cls, type) or not issubclass(cls, enum.Enum):
        return None
    for kind in ENUM_KINDS:
        base = getattr(enum, kind, None)
        if base is not None and issubclass(cls, base):
            return kind
    return "Enum"


def value_copy(value: object) -> object:
    """An instance of a subclass of a value type (a str subclass, a Counter subclass, a
    datetime subclass) as a copy of that value type; NO_COPY for anything else.

    Enum members and namedtuples are left to their own tags. The copy is made by the value
    type's own constructor, so the subclass's methods (an always-true __eq__) do not cross.
    """
    kind = type(value)
    if enum_kind(kind) is not None or (
        isinstance(value, tuple) and isinstance(getattr(kind, "_fields", None), tuple)
    ):
        return NO_COPY
    standard = standard_types()
    for base in kind.__mro__[1:]:
        if base in standard:
            return _standard_copy(base, value)
        if base in VALUE_BASES:
            return _base_copy(base, value)
    return NO_COPY


def _base_copy(base: Any, value: Any) -> object:
    """The value the builtin type itself holds, read with the builtin type's own methods: a
    list subclass's __iter__ or a str subclass's __str__ may say otherwise."""
    if base in (list, tuple, set, frozenset):
        return base(base.__iter__(value))
    if base is dict:
        return dict(dict.items(value))
    if base is str:
        return str.__str__(value)
    if base is int:
        return int.__int__(value)
    if base is float:
        return float.__float__(value)
    if base is complex:
        return complex(complex.real.__get__(value), complex.imag.__get__(value))
    return base(memoryview(value))  # bytes, bytearray: their buffer


def _standard_copy(base: Any, value: Any) -> object:
    name = base.__name__
    if name == "datetime":
        return base.combine(value.date(), value.timetz(), tzinfo=value.tzinfo)
    if name == "date":
        return base(value.year, value.month, value.day)
    if name == "time":
        return base(value.hour, value.minute, value.second, value.microsecond, value.tzinfo)
    if name == "timedelta":
        return base(value.days, value.seconds, value.microseconds)
    if name == "defaultdict":
        return base(value.default_factory, dict(value))
    if name == "Decimal":
        return base(str(value))
    return base(value)


def reflected(op: Callable[[object, object], object]) -> Callable[[object, object], object]:
    """The operation with its operands swapped: `other - obj` for __rsub__."""
    return lambda obj, other: op(other, obj)


def exception_name(exc: BaseException | type[BaseException]) -> str:
    """The nearest builtin exception class in the MRO: what the other side may rebuild."""
    import builtins

    cls = exc if isinstance(exc, type) else type(exc)
    for klass in cls.__mro__:
        if klass.__module__ == "builtins" and getattr(builtins, klass.__name__, None) is klass:
            return klass.__name__
    return "Exception"


def builtin_exception(name: object) -> type[BaseException]:
    """The builtin exception class of that name; RuntimeError for anything else."""
    import builtins

    cls = getattr(builtins, name, None) if isinstance(name, str) else None
    if isinstance(cls, type) and issubclass(cls, BaseException):
        return cls
    return RuntimeError
