"""Functions."""

SOLUTIONS = {
    "count-matching": [
        """def count_matching(items, predicate=None):
    test = predicate if predicate is not None else (lambda item: bool(item))
    return sum(1 for item in items if test(item))
""",
        """def count_matching(items, predicate=None):
    if predicate is None:
        return len([item for item in items if item])
    return len([item for item in items if predicate(item)])
""",
        """def count_matching(items, predicate=None):
    return len(list(filter(predicate, items)))
""",
        """def count_matching(items, predicate=None):
    items = list(items)
    if not items:
        return 0
    head = items[0]
    hit = bool(head) if predicate is None else bool(predicate(head))
    return int(hit) + count_matching(items[1:], predicate)
""",
        """def count_matching(items, predicate=None):
    total = 0
    iterator = iter(items)
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            return total
        if (predicate(item) if predicate else item):
            total += 1
""",
    ],
    "discount-maker": [
        """def make_discount(percent):
    if percent < 0 or percent > 100:
        raise ValueError("bad percent")
    factor = 1 - percent / 100

    def discounted(price):
        if price < 0:
            raise ValueError("bad price")
        return round(price * factor, 2)

    return discounted
""",
        """import functools


def _apply(percent, price):
    if price < 0:
        raise ValueError("negative price")
    return round(price * (100 - percent) / 100, 2)


def make_discount(percent):
    if not 0 <= percent <= 100:
        raise ValueError("percent out of range")
    return functools.partial(_apply, percent)
""",
        """class _Discount:
    def __init__(self, percent):
        self.percent = percent

    def __call__(self, price):
        if price < 0:
            raise ValueError("price")
        return round(price - price * self.percent / 100, 2)


def make_discount(percent):
    if percent > 100 or percent < 0:
        raise ValueError("percent")
    return _Discount(percent)
""",
        """def make_discount(percent):
    if not (0 <= percent <= 100):
        raise ValueError(f"{percent} is not a percentage")

    def check(price):
        if price < 0:
            raise ValueError(f"{price} is negative")
        return price

    return lambda price: round(check(price) * (100 - percent) / 100, 2)
""",
        """def make_discount(percent):
    if percent not in range(0, 101) and not (0 < percent < 100):
        raise ValueError("percent must be 0..100")
    keep = 100 - percent

    def inner(price):
        if price < 0:
            raise ValueError("negative")
        return round(keep * price / 100, 2)

    return inner
""",
    ],
    "number-summary": [
        """def summarize(numbers):
    numbers = list(numbers)
    if len(numbers) == 0:
        raise ValueError("empty")
    smallest = largest = numbers[0]
    total = 0
    for x in numbers:
        if x < smallest:
            smallest = x
        if x > largest:
            largest = x
        total += x
    return smallest, largest, total / len(numbers)
""",
        """import statistics


def summarize(numbers):
    if not numbers:
        raise ValueError("no numbers")
    return (min(numbers), max(numbers), sum(numbers) / len(numbers))
""",
        """def summarize(numbers):
    ordered = sorted(numbers)
    if not ordered:
        raise ValueError("nothing to summarize")
    return ordered[0], ordered[-1], sum(ordered) / len(ordered)
""",
        """from functools import reduce


def summarize(numbers):
    if len(numbers) < 1:
        raise ValueError("empty list")
    low = reduce(lambda a, b: a if a <= b else b, numbers)
    high = reduce(lambda a, b: a if a >= b else b, numbers)
    return low, high, sum(numbers) / len(numbers)
""",
        """def summarize(numbers):
    count = len(numbers)
    if count == 0:
        raise ValueError("empty")
    mean = sum(numbers) / count
    result = (min(numbers), max(numbers), mean)
    return result
""",
    ],
    "temperature-converter": [
        """def convert_temperature(value, to="F"):
    formulas = {"F": lambda c: c * 9 / 5 + 32, "C": lambda f: (f - 32) * 5 / 9}
    if to not in formulas:
        raise ValueError("unknown unit")
    return round(formulas[to](value), 1)
""",
        """def convert_temperature(value, to="F"):
    if to == "C":
        return round((value - 32) * 5 / 9, 1)
    if to != "F":
        raise ValueError(to)
    return round(value * 1.8 + 32, 1)
""",
        """def to_f(c):
    return c * 9 / 5 + 32


def to_c(f):
    return (f - 32) * 5 / 9


def convert_temperature(value, to="F"):
    if to == "F":
        return round(to_f(value), 1)
    elif to == "C":
        return round(to_c(value), 1)
    raise ValueError("to must be F or C")
""",
        """def convert_temperature(value, to="F"):
    match to:
        case "F":
            result = value * 9 / 5 + 32
        case "C":
            result = (value - 32) * 5 / 9
        case _:
            raise ValueError("bad unit")
    return round(result, 1)
""",
        """def convert_temperature(value, to="F"):
    if to not in ("F", "C"):
        raise ValueError("unit")
    scale, offset = (9 / 5, 32) if to == "F" else (5 / 9, -32 * 5 / 9)
    return round(value * scale + offset, 1)
""",
    ],
}
