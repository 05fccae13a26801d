"""The channel between the tests' process and the student's process. Standard library only.

Both sandboxes get this file. Messages are length-prefixed JSON objects; values inside them are
tagged so that each side rebuilds exact builtin types only (never unpickled, never a class the
other side chose):

    None, bool, int, float, str          as themselves (NaN and infinities as JSON extensions)
    ["list", item, ...]                  likewise "tuple", "set", "frozenset"
    ["dict", key, value, key, value...]
    ["bytes", latin-1 text]              likewise "bytearray"
    ["handle", id, kind, ...]            an object that stays in the student's process
    ["ref", id]                          such an object, sent back to the student's process
    ["local", id]                        an object that stays in the tests' process (a function,
                                         a sequence that counts its reads)
    ["lref", id]                         such an object, sent back to the tests' process

Whatever arrives is decoded with caps on message size, nesting depth and element count; a broken
message raises WireError, never anything else.
"""

from __future__ import annotations

import os
from _json import encode_basestring_ascii, make_encoder, make_scanner

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

MAX_MESSAGE_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 100
MAX_ITEMS = 500_000
READ_CHUNK = 65536
CONTAINERS = {list: "list", tuple: "tuple", set: "set", frozenset: "frozenset"}
SCALARS = (str, int, float, bool, type(None))


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


class WireError(Exception):
    """A message or value that breaks the rules of the channel."""


class WireClosed(WireError):
    """The other side is gone (it ended, or was killed)."""


class Channel:
    """One end of a stream socket carrying length-prefixed JSON messages."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()

    def send(self, message: dict[str, object]) -> None:
        try:
            data = _dumps(message).encode()
        except (ValueError, TypeError, RecursionError) as error:
            raise WireError(f"cannot encode the message: {error}") from None
        if len(data) > MAX_MESSAGE_BYTES:
            raise WireError(f"a value over {MAX_MESSAGE_BYTES // (1024 * 1024)} MiB")
        view = memoryview(len(data).to_bytes(4, "big") + data)
        try:
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
    """Plain values to tagged JSON; everything else goes through `other` (one per side)."""

    def __init__(self, other: Callable[[object], list[object]]) -> None:
        self.other = other

    def encode(self, value: object, depth: int = 0) -> object:
        kind = type(value)
        if kind in SCALARS:
            return value
        if depth > MAX_DEPTH:
            return self.other(value)
        tag = CONTAINERS.get(kind)  # type: ignore[call-overload]
        if tag is not None:
            return [tag, *[self.encode(item, depth + 1) for item in value]]  # type: ignore[attr-defined]
        if kind is dict:
            encoded: list[object] = ["dict"]
            for key, item in value.items():  # type: ignore[attr-defined]
                encoded += [self.encode(key, depth + 1), self.encode(item, depth + 1)]
            return encoded
        if kind is bytes or kind is bytearray:
            return [kind.__name__, value.decode("latin-1")]  # type: ignore[attr-defined]
        return self.other(value)


class Decoder:
    """Tagged JSON back to exact builtin types; handle-like tags go through `other`."""

    def __init__(self, other: Callable[[list[object]], object]) -> None:
        self.other = other

    def decode(self, node: object) -> object:
        try:
            return self._decode(node, 0, [MAX_ITEMS])
        except WireError:
            raise
        except (RecursionError, MemoryError, ValueError, TypeError, OverflowError) as error:
            raise WireError(f"an unusable value ({type(error).__name__}: {error})") from None

    def _decode(self, node: object, depth: int, budget: list[int]) -> object:
        kind = type(node)
        if kind in SCALARS:
            return node
        budget[0] -= 1
        if budget[0] < 0:
            raise WireError("a value with too many elements")
        if depth > MAX_DEPTH + 2:
            raise WireError("a value nested too deeply")
        if kind is not list or not node or type(node[0]) is not str:  # type: ignore[index]
            raise WireError("an untagged value")
        tag, items = node[0], node[1:]  # type: ignore[index]
        if tag in ("list", "tuple", "set", "frozenset", "dict"):
            budget[0] -= len(items)
            if budget[0] < 0:
                raise WireError("a value with too many elements")
            values = [self._decode(item, depth + 1, budget) for item in items]
            if tag == "list":
                return values
            if tag == "tuple":
                return tuple(values)
            if tag == "set":
                return set(values)
            if tag == "frozenset":
                return frozenset(values)
            if len(values) % 2:
                raise WireError("a dict with a key and no value")
            return dict(zip(values[::2], values[1::2], strict=True))
        if tag in ("bytes", "bytearray"):
            if len(items) != 1 or type(items[0]) is not str:
                raise WireError("a malformed bytes value")
            data = items[0].encode("latin-1")
            return data if tag == "bytes" else bytearray(data)
        return self.other(node)  # type: ignore[arg-type]


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
