"""The channel's value codec on its own: exact types in, exact types out, subclasses as their
plain value, and what a hostile sender cannot smuggle in."""

import collections
import datetime
import decimal
import enum
import fractions
from collections.abc import Iterator

import pytest

from tutor.sandbox.languages.labtutor_wire import Decoder, Encoder, WireError, json_value

HANDLES: list[object] = []


def handle(value: object) -> list[object]:
    HANDLES.append(value)
    return ["handle", len(HANDLES), "object", "X"]


def encoder() -> Encoder:
    return Encoder(handle)


def crossed(value: object, decoder: Decoder | None = None) -> object:
    decoder = decoder or Decoder(lambda node: ("stand-in", node[1]))
    text = __import__("json").dumps(encoder().encode(value))
    return decoder.decode(json_value(text))


class Colour(enum.Enum):
    RED = 1
    GREEN = 2


Point = collections.namedtuple("Point", "x y")
ZONE = datetime.timezone(datetime.timedelta(hours=2), "CEST")
VALUES = [
    datetime.datetime(2011, 4, 25, 1, 2, 3, 4, tzinfo=ZONE),
    datetime.date(2013, 5, 13),
    datetime.time(23, 59, 59, fold=1),
    datetime.timedelta(days=-1, seconds=5),
    decimal.Decimal("1.10"),
    decimal.Decimal("NaN"),
    fractions.Fraction(3, 4),
    3 - 4j,
    collections.Counter("abca"),
    collections.OrderedDict(b=1, a=2),
    collections.defaultdict(list, a=[1]),
    collections.deque([1, 2], maxlen=5),
    Point(1, [2]),
    {"nested": [(1, 2.5, None, True), {frozenset({b"x"})}]},
]


@pytest.mark.parametrize("value", VALUES, ids=lambda value: type(value).__name__)
def test_standard_values_cross_as_their_exact_type(value: object) -> None:
    copy = crossed(value)

    assert type(copy).__name__ == type(value).__name__
    assert copy == value or str(value) == "NaN"
    assert repr(copy) == repr(value)


def test_enum_members_cross_as_members_of_one_rebuilt_class() -> None:
    decoder = Decoder(lambda node: None)
    red, again, cls = (crossed(v, decoder) for v in (Colour.RED, Colour.RED, Colour))

    assert isinstance(cls, enum.EnumType)
    assert red is again and isinstance(red, cls)
    assert [member.name for member in cls] == ["RED", "GREEN"]


def test_a_subclass_crosses_as_the_value_its_builtin_type_holds() -> None:
    class Items(list[int]):
        def __iter__(self) -> Iterator[int]:
            return iter([3, 2, 1])

        def __len__(self) -> int:
            return 3

    class Text(str):
        def __str__(self) -> str:
            return "forged"

    assert crossed(Items([7])) == [7] and type(crossed(Items([7]))) is list
    assert crossed(Text("real")) == "real" and type(crossed(Text("real"))) is str


def test_a_million_numbers_cross_without_a_count_cap() -> None:
    big = list(range(1_000_000))
    assert crossed(big) == big


@pytest.mark.parametrize(
    "node",
    [
        # An Enum "member" named like a method, whose value is a stand-in of the student's.
        ["enumclass", "Enum", "C", "m", ["list", ["list", "__eq__", ["handle", 1, "function"]]]],
        ["enumclass", "Enum", "C", "m", ["list", ["list", "_sunder_", 1]]],
        ["namedtuple", "P", ["list", "_fields"], 1],
        ["date", 2020, 13, 1],
        ["datetime", 2020, 1, 1, 0, 0, 0, 0, "not a zone", 0],
        ["decimal", 1],
        ["deque", "many", 1],
        ["list", "x", ["dict", 1]],
        ["bytes", 1],
    ],
)
def test_malformed_or_hostile_values_are_wire_errors(node: object) -> None:
    with pytest.raises(WireError):
        Decoder(lambda n: n).decode(node)


def test_nesting_past_the_cap_is_refused_whole() -> None:
    value: list[object] = []
    for _ in range(150):
        value = [value]
    with pytest.raises(ValueError, match="nested more than 100 levels deep"):
        encoder().encode(value)
