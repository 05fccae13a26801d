"""Classes."""

SOLUTIONS = {
    "bank-account": [
        """class InsufficientFundsError(Exception):
    pass


class BankAccount:
    def __init__(self, owner, balance=0):
        if balance < 0:
            raise ValueError("negative opening balance")
        self.owner = owner
        self.__money = balance

    balance = property(lambda self: self.__money)

    def deposit(self, amount):
        if amount <= 0:
            raise ValueError("amount")
        self.__money += amount
        return self.__money

    def withdraw(self, amount):
        if amount <= 0:
            raise ValueError("amount")
        if self.__money - amount < 0:
            raise InsufficientFundsError("not enough money")
        self.__money -= amount
        return self.__money

    def transfer_to(self, other, amount):
        other.deposit(self.withdraw(amount) * 0 + amount)
""",
        '''class InsufficientFundsError(Exception):
    """Not enough money."""


class BankAccount:
    def __init__(self, owner, balance=0):
        self.owner = owner
        if balance < 0:
            raise ValueError(balance)
        self._history = [balance]

    @property
    def balance(self):
        return sum(self._history)

    def _valid(self, amount):
        if not amount > 0:
            raise ValueError("amounts must be positive")

    def deposit(self, amount):
        self._valid(amount)
        self._history.append(amount)
        return self.balance

    def withdraw(self, amount):
        self._valid(amount)
        if amount > self.balance:
            raise InsufficientFundsError(amount)
        self._history.append(-amount)
        return self.balance

    def transfer_to(self, other, amount):
        self.withdraw(amount)
        other.deposit(amount)
''',
        """class InsufficientFundsError(Exception):
    def __init__(self, wanted, available):
        super().__init__(f"wanted {wanted}, only {available}")


class BankAccount:
    __slots__ = ("owner", "_cents")

    def __init__(self, owner, balance=0):
        if balance < 0:
            raise ValueError("cannot open with debt")
        self.owner = owner
        self._cents = balance

    def _get_balance(self):
        return self._cents

    balance = property(_get_balance)

    def deposit(self, amount):
        if amount <= 0:
            raise ValueError("deposit must be positive")
        self._cents = self._cents + amount
        return self._cents

    def withdraw(self, amount):
        if amount <= 0:
            raise ValueError("withdrawal must be positive")
        if amount > self._cents:
            raise InsufficientFundsError(amount, self._cents)
        self._cents = self._cents - amount
        return self._cents

    def transfer_to(self, other, amount):
        if amount <= 0:
            raise ValueError("transfer must be positive")
        if amount > self._cents:
            raise InsufficientFundsError(amount, self._cents)
        self._cents -= amount
        other._cents += amount
""",
        """class InsufficientFundsError(Exception):
    pass


def positive(amount):
    if amount <= 0:
        raise ValueError(f"{amount} is not positive")
    return amount


class BankAccount:
    def __init__(self, owner, balance=0):
        self.owner = owner
        self._state = {"balance": balance}
        if balance < 0:
            raise ValueError("balance")

    @property
    def balance(self):
        return self._state["balance"]

    def deposit(self, amount):
        self._state["balance"] += positive(amount)
        return self.balance

    def withdraw(self, amount):
        if positive(amount) > self.balance:
            raise InsufficientFundsError("insufficient funds")
        self._state["balance"] -= amount
        return self.balance

    def transfer_to(self, other, amount):
        self.withdraw(amount)
        try:
            other.deposit(amount)
        except ValueError:
            self.deposit(amount)
            raise
""",
        '''from dataclasses import dataclass, field


class InsufficientFundsError(Exception):
    """Raised on an overdraft."""


@dataclass
class BankAccount:
    owner: str
    opening: int = 0
    _cents: int = field(init=False, repr=False)

    def __post_init__(self):
        if self.opening < 0:
            raise ValueError("negative opening balance")
        self._cents = self.opening

    @property
    def balance(self):
        return self._cents

    def deposit(self, amount):
        if amount < 1:
            raise ValueError("deposit at least one cent")
        self._cents += amount
        return self._cents

    def withdraw(self, amount):
        if amount < 1:
            raise ValueError("withdraw at least one cent")
        if self._cents < amount:
            raise InsufficientFundsError("too little money")
        self._cents -= amount
        return self._cents

    def transfer_to(self, other, amount):
        other.deposit(amount) if self.withdraw(amount) >= 0 else None
''',
    ],
    "click-counter": [
        """class ClickCounter:
    def __init__(self, start=0):
        if start < 0:
            raise ValueError("negative start")
        self._start = start
        self.count = start

    def click(self):
        self.count = self.count + 1
        return self.count

    def reset(self):
        self.count = self._start
""",
        """class ClickCounter:
    def __init__(self, start=0):
        if start < 0:
            raise ValueError(start)
        self.clicks = []
        self.first = start

    @property
    def count(self):
        return self.first + len(self.clicks)

    def click(self):
        self.clicks.append(1)
        return self.count

    def reset(self):
        self.clicks.clear()
""",
        """import itertools


class ClickCounter:
    def __init__(self, start=0):
        if start < 0:
            raise ValueError("start must be >= 0")
        self.initial = start
        self.reset()

    def reset(self):
        self._ticks = itertools.count(self.initial + 1)
        self.count = self.initial

    def click(self):
        self.count = next(self._ticks)
        return self.count
""",
        """class ClickCounter:
    def __init__(self, start=0):
        if not start >= 0:
            raise ValueError("a counter cannot start below zero")
        self.__dict__.update(count=start, origin=start)

    def click(self):
        self.count += 1
        return self.count

    def reset(self):
        self.count = self.origin
""",
        """from dataclasses import dataclass


@dataclass
class ClickCounter:
    start: int = 0

    def __post_init__(self):
        if self.start < 0:
            raise ValueError("start")
        self.count = self.start

    def click(self):
        self.count += 1
        return self.count

    def reset(self):
        self.count = self.start
""",
    ],
    "gradebook": [
        """from collections import defaultdict


class Gradebook:
    def __init__(self):
        self.grades = defaultdict(list)

    def add_grade(self, student, grade):
        if grade < 0 or grade > 100:
            raise ValueError("grade")
        self.grades[student].append(grade)

    def average(self, student):
        if student not in self.grades:
            raise KeyError(student)
        marks = self.grades[student]
        return sum(marks) / len(marks)

    def students(self):
        return sorted(self.grades.keys())

    def best_student(self):
        best = None
        for name in self.students():
            if best is None or self.average(name) > self.average(best):
                best = name
        return best
""",
        """class Gradebook:
    def __init__(self):
        self.records = []

    def add_grade(self, student, grade):
        if not 0 <= grade <= 100:
            raise ValueError("grade out of range")
        self.records.append((student, grade))

    def average(self, student):
        mine = [g for s, g in self.records if s == student]
        if not mine:
            raise KeyError(student)
        return sum(mine) / len(mine)

    def students(self):
        return sorted({s for s, _ in self.records})

    def best_student(self):
        names = self.students()
        if not names:
            return None
        return sorted(names, key=lambda n: (-self.average(n), n))[0]
""",
        """import statistics


class Gradebook:
    def __init__(self):
        self._book = {}

    def add_grade(self, student, grade):
        if grade > 100 or grade < 0:
            raise ValueError(f"{grade} is not a grade")
        if student not in self._book:
            self._book[student] = []
        self._book[student].append(grade)

    def average(self, student):
        return float(statistics.fmean(self._book[student]))

    def students(self):
        names = list(self._book)
        names.sort()
        return names

    def best_student(self):
        top, top_name = None, None
        for name in self.students():
            mean = self.average(name)
            if top is None or mean > top:
                top, top_name = mean, name
        return top_name
""",
        """class Gradebook:
    def __init__(self):
        self.totals = {}
        self.counts = {}

    def add_grade(self, student, grade):
        if not (0 <= grade <= 100):
            raise ValueError("bad grade")
        self.totals[student] = self.totals.get(student, 0) + grade
        self.counts[student] = self.counts.get(student, 0) + 1

    def average(self, student):
        return self.totals[student] / self.counts[student]

    def students(self):
        return sorted(self.totals)

    def best_student(self):
        ranking = [(-self.average(s), s) for s in self.totals]
        return min(ranking)[1] if ranking else None
""",
        """from collections import defaultdict


class Gradebook:
    def __init__(self):
        self._data = defaultdict(list)

    def add_grade(self, student, grade):
        if grade not in range(0, 101) and not 0 < grade < 100:
            raise ValueError("grade must be 0..100")
        self._data[student] += [grade]

    def average(self, student):
        if student not in self._data:
            raise KeyError(student)
        values = self._data[student]
        return sum(values) / len(values)

    def students(self):
        return sorted(self._data)

    def best_student(self):
        if not self._data:
            return None
        best = max(self.average(s) for s in self._data)
        return min(s for s in self._data if self.average(s) == best)
""",
    ],
    "rectangle": [
        """class Rectangle:
    def __init__(self, width, height):
        if min(width, height) <= 0:
            raise ValueError("sizes must be positive")
        self.width, self.height = width, height

    def area(self):
        return self.width * self.height

    def perimeter(self):
        return self.width * 2 + self.height * 2

    def is_square(self):
        return self.height == self.width

    def scaled(self, factor):
        return type(self)(factor * self.width, factor * self.height)

    def __repr__(self):
        return "Rectangle(" + repr(self.width) + ", " + repr(self.height) + ")"
""",
        """from dataclasses import dataclass


@dataclass
class Rectangle:
    width: float
    height: float

    def __post_init__(self):
        if self.width <= 0 or self.height <= 0:
            raise ValueError("not positive")

    def area(self):
        return self.width * self.height

    def perimeter(self):
        return 2 * self.width + 2 * self.height

    def is_square(self):
        return self.width == self.height

    def scaled(self, factor):
        return Rectangle(self.width * factor, self.height * factor)

    def __repr__(self):
        return f"Rectangle({self.width!r}, {self.height!r})"
""",
        """class Rectangle:
    def __init__(self, width, height):
        for size in (width, height):
            if not size > 0:
                raise ValueError(f"bad size {size}")
        self.width = width
        self.height = height

    def area(self):
        total = 0
        total += self.width * self.height
        return total

    def perimeter(self):
        return sum([self.width, self.height, self.width, self.height])

    def is_square(self):
        return not (self.width - self.height)

    def scaled(self, factor):
        new = Rectangle.__new__(Rectangle)
        Rectangle.__init__(new, self.width * factor, self.height * factor)
        return new

    def __repr__(self):
        return "Rectangle(%r, %r)" % (self.width, self.height)
""",
        """import math


class Rectangle:
    def __init__(self, width, height):
        if width <= 0:
            raise ValueError("width")
        if height <= 0:
            raise ValueError("height")
        self.width = width
        self.height = height

    def area(self):
        return math.prod((self.width, self.height))

    def perimeter(self):
        return 2 * sum((self.width, self.height))

    def is_square(self):
        return self.width == self.height

    def scaled(self, factor):
        return self.__class__(self.width * factor, self.height * factor)

    def __repr__(self):
        return "{}({!r}, {!r})".format(type(self).__name__, self.width, self.height)
""",
        """class Rectangle:
    def __init__(self, width, height):
        if not (width > 0 and height > 0):
            raise ValueError("sizes must be positive")
        self.__dict__["width"] = width
        self.__dict__["height"] = height

    area = lambda self: self.width * self.height
    perimeter = lambda self: (self.width + self.height) * 2
    is_square = lambda self: self.width == self.height

    def scaled(self, factor):
        return Rectangle(*(side * factor for side in (self.width, self.height)))

    def __repr__(self):
        return f"Rectangle({self.width!r}, {self.height!r})"
""",
    ],
}
