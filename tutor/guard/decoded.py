"""Code hidden inside a reply's code: a string run with exec/eval/compile, as written or after a
common encoding (base64, base32, hex, rot13, zlib or gzip over base64).

`exec(base64.b64decode("ZGVmIHRv..."))` passes the tests as well as the code it hides, but
neither similarity nor the names the code defines can see through it. Every string literal of a
code segment that runs strings (it names exec, eval, compile or an import of the decoders) is
decoded every common way; what reads as Python code is judged as a code segment of its own.
"""

import ast
import base64
import binascii
import codecs
import gzip
import re
import zlib
from collections.abc import Callable, Iterator

# A segment whose code mentions one of these may run a string as code.
RUNS_STRINGS = re.compile(r"\b(?:exec|eval|compile|__import__|b64decode|decompress|codecs)\b")
MIN_HIDDEN_CHARS = 12
# Decoding layers tried one inside another (base64 of zlib of rot13...).
MAX_LAYERS = 3
MAX_DECODED = 4


def decoded_code(code: str) -> list[str]:
    """The Python code hidden in `code`'s string literals (at most MAX_DECODED pieces)."""
    if not RUNS_STRINGS.search(code):
        return []
    found: list[str] = []
    for text in _literals(code):
        for candidate in _decodings(text, MAX_LAYERS):
            if candidate not in found and candidate.strip() != code.strip() and _is_code(candidate):
                found.append(candidate)
                break
        if len(found) >= MAX_DECODED:
            break
    return found


def _literals(code: str) -> Iterator[str]:
    """String and bytes literals, longest first (adjacent literals are one, as Python joins
    them); a concatenation of literals ("ZGVm" + "IHRv") is one too."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return
    texts: list[str] = []
    for node in ast.walk(tree):
        value = _constant_text(node)
        if value is not None and len(value) >= MIN_HIDDEN_CHARS:
            texts.append(value)
    yield from sorted(set(texts), key=len, reverse=True)


def _constant_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
        value = node.value
        return value.decode("latin-1") if isinstance(value, bytes) else value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _constant_text(node.left), _constant_text(node.right)
        return left + right if left is not None and right is not None else None
    return None


def _decodings(text: str, layers: int) -> Iterator[str]:
    yield text
    if layers == 0:
        return
    for decode in DECODERS:
        decoded = decode(text)
        if decoded is not None and decoded != text:
            yield from _decodings(decoded, layers - 1)


def _base64(text: str) -> str | None:
    compact = "".join(text.split())
    try:
        return _text(base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True))
    except (binascii.Error, ValueError):
        try:
            return _text(base64.urlsafe_b64decode(compact + "=" * (-len(compact) % 4)))
        except (binascii.Error, ValueError):
            return None


def _base32(text: str) -> str | None:
    try:
        return _text(base64.b32decode("".join(text.split()).upper()))
    except (binascii.Error, ValueError):
        return None


def _hex(text: str) -> str | None:
    compact = re.sub(r"\\x|0x|[\s,:]", "", text)
    try:
        return _text(bytes.fromhex(compact))
    except ValueError:
        return None


def _rot13(text: str) -> str | None:
    return codecs.decode(text, "rot13")


def _compressed(text: str) -> str | None:
    """zlib or gzip data, written as base64 (the usual way to put it in a string)."""
    compact = "".join(text.split())
    try:
        data = base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
    except (binascii.Error, ValueError):
        data = text.encode("latin-1", errors="ignore")
    for unpack in (zlib.decompress, gzip.decompress):
        try:
            return _text(unpack(data))
        except (zlib.error, OSError, EOFError, ValueError):
            continue
    return None


def _text(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


DECODERS: tuple[Callable[[str], str | None], ...] = (
    _compressed,
    _base64,
    _base32,
    _hex,
    _rot13,
)


def _is_code(text: str) -> bool:
    """Python that does something: a definition, or two statements or more."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    defines = any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        for node in tree.body
    )
    return defines or len(tree.body) >= 2
