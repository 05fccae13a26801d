"""Forgers of each operation a test applies to a returned value, through the real sandbox.

Before values crossed as data, `==` was decided on the tests' side but every other operation on
a returned object was answered by the student's process, often with the expected value as its
argument: a `mean()` whose subtraction gives 0 passed assertAlmostEqual, a `to_roman()` claiming
to contain nothing passed assertNotIn. Now what the student's code returns is copied as a value
of an exact type, so each forger below fails: an object of its own class is refused ("returned a
Fake, expected a value"), a subclass of a builtin type crosses as a copy of its builtin value.
The same tests pass with correct code, and nothing the tests expect reaches the student's side.
"""

import os

import pytest

from tests.sandbox.conftest import FIRST_UID, Grade
from tutor.sandbox import Limits, RunResult, SandboxConfig, SourceFile, run_tests

LIMITS = Limits(time_seconds=10, memory_mb=256, output_kb=256, test_output_kb=64)
TESTS = """\
import unittest

from solution import countdown, first_letter, greeting, has_errors, mean, three_items, to_roman


class Operations(unittest.TestCase):
    def test_almost_equal_with_delta(self):
        self.assertAlmostEqual(mean([10, 20, 31]), 20.333, delta=0.001)

    def test_almost_equal_expected_first(self):
        self.assertAlmostEqual(12.5, mean([10, 15]))

    def test_abs_of_a_difference(self):
        self.assertTrue(abs(mean([4, 6]) - 5.0) < 1e-9)

    def test_not_in(self):
        self.assertNotIn("IIII", to_roman(4))

    def test_startswith(self):
        self.assertTrue(greeting("Ada").startswith("Hello, Ada"))

    def test_hashing_and_sets(self):
        self.assertEqual({first_letter("apple"), first_letter("bob")}, {"a", "b"})

    def test_len(self):
        self.assertEqual(len(three_items()), 3)

    def test_iteration(self):
        self.assertEqual([item for item in countdown(3)], [3, 2, 1])

    def test_bool(self):
        self.assertFalse(has_errors("fine"))

    def test_format(self):
        self.assertEqual(f"{mean([1, 2]):.1f}", "1.5")
"""
OPERATIONS = [
    "test_almost_equal_with_delta",
    "test_almost_equal_expected_first",
    "test_abs_of_a_difference",
    "test_not_in",
    "test_startswith",
    "test_hashing_and_sets",
    "test_len",
    "test_iteration",
    "test_bool",
    "test_format",
]
CORRECT = """\
def mean(values):
    return sum(values) / len(values)


def to_roman(number):
    return {4: "IV"}[number]


def greeting(name):
    return f"Hello, {name}!"


def first_letter(word):
    return word[0]


def three_items():
    return [1, 2, 3]


def countdown(n):
    return list(range(n, 0, -1))


def has_errors(text):
    return "error" in text
"""
# An object of the student's own class that answers every operation the way the test wants,
# and prints every argument it is handed: the expected values must never show up.
OBJECT_FORGER = """\
class Fake:
    def __init__(self, *args):
        pass

    def _seen(self, *args):
        print("seen:", repr(args))

    def __sub__(self, other):
        self._seen(other)
        return 0.0

    def __rsub__(self, other):
        self._seen(other)
        return 0.0

    def __abs__(self):
        return 0.0

    def __round__(self, digits=None):
        return 0

    def __eq__(self, other):
        self._seen(other)
        return True

    def __hash__(self):
        return hash("a")

    def __contains__(self, item):
        self._seen(item)
        return False

    def startswith(self, prefix):
        self._seen(prefix)
        return True

    def __len__(self):
        return 3

    def __iter__(self):
        return iter([3, 2, 1])

    def __bool__(self):
        return False

    def __format__(self, spec):
        self._seen(spec)
        return "1.5"


def mean(values):
    return Fake()


def to_roman(number):
    return Fake()


def greeting(name):
    return Fake()


def first_letter(word):
    return Fake()


def three_items():
    return Fake()


def countdown(n):
    return Fake()


def has_errors(text):
    return Fake()
"""
# Subclasses of builtin types whose methods lie about the value they hold.
SUBCLASS_FORGER = """\
class Number(float):
    def __sub__(self, other):
        return 0.0

    def __rsub__(self, other):
        return 0.0

    def __abs__(self):
        return 0.0

    def __round__(self, digits=None):
        return 0

    def __eq__(self, other):
        return True

    __hash__ = float.__hash__

    def __format__(self, spec):
        return "1.5"


class Text(str):
    def __contains__(self, item):
        return False

    def startswith(self, prefix):
        return True

    def __eq__(self, other):
        return True

    def __hash__(self):
        return hash("a")


class Items(list):
    def __len__(self):
        return 3

    def __iter__(self):
        return iter([3, 2, 1])

    def __eq__(self, other):
        return True


class Flag(int):
    def __bool__(self):
        return False


def mean(values):
    return Number(99.0)


def to_roman(number):
    return Text("IIII")


def greeting(name):
    return Text("Goodbye")


def first_letter(word):
    return Text("?")


def three_items():
    return Items()


def countdown(n):
    return Items()


def has_errors(text):
    return Flag(1)
"""


def outcomes(result: RunResult) -> dict[str, str]:
    return {test.name.removeprefix("Operations."): test.outcome for test in result.tests}


def test_correct_code_passes_every_operation(grade: Grade) -> None:
    result = grade(CORRECT, {"test_operations.py": TESTS}, limits=LIMITS, reference=CORRECT)

    assert outcomes(result) == dict.fromkeys(OPERATIONS, "passed"), result.message
    assert result.passed


@pytest.mark.parametrize("reference", [CORRECT, None], ids=["with_reference", "without"])
def test_an_object_answering_operations_is_refused_and_sees_no_expected_value(
    grade: Grade, reference: str | None
) -> None:
    result = grade(OBJECT_FORGER, {"test_operations.py": TESTS}, limits=LIMITS, reference=reference)

    failing = {name: outcome for name, outcome in outcomes(result).items() if outcome != "passed"}
    if reference is None:
        # Without the reference, an iterable of the student's own is iterated item by item:
        # these three tests ask nothing else of it, and its items are data.
        assert set(OPERATIONS) - set(failing) == {"test_not_in", "test_len", "test_iteration"}
    else:
        assert failing == dict.fromkeys(OPERATIONS, "failed"), result.message
        for test in result.tests:
            assert "returned a Fake, expected a " in test.message, (test.name, test.message)
    printed = "".join(test.stdout + test.stderr for test in result.tests) + result.stdout
    # No operation was sent to the student's process, so no expected value went with one.
    assert "seen:" not in printed
    for expected in ("20.333", "12.5", "IIII", "Hello, Ada", "5.0", ".1f"):
        assert expected not in printed


def test_each_refusal_names_the_kind_the_reference_returned(grade: Grade) -> None:
    result = grade(OBJECT_FORGER, {"test_operations.py": TESTS}, limits=LIMITS, reference=CORRECT)
    messages = {test.name.removeprefix("Operations."): test.message for test in result.tests}

    assert "solution.to_roman() returned a Fake, expected a str" in messages["test_not_in"]
    assert "solution.mean() returned a Fake, expected a float" in messages["test_format"]
    assert "solution.countdown() returned a Fake, expected a list" in messages["test_iteration"]
    assert "solution.has_errors() returned a Fake, expected a bool" in messages["test_bool"]


def test_a_refusal_is_no_error_a_test_expects(grade: Grade) -> None:
    """A test that expects the student's code to raise TypeError is not passed by a value the
    boundary refuses: the refusal is the test's failure, not the student's TypeError."""
    tests = """\
import unittest

import solution


class Raising(unittest.TestCase):
    def test_a_bad_number_raises(self):
        with self.assertRaises(TypeError):
            solution.to_roman("four")

    def test_four(self):
        self.assertEqual(solution.to_roman(4), "IV")
"""
    reference = """\
def to_roman(number):
    if not isinstance(number, int):
        raise TypeError("to_roman takes a number")
    return {4: "IV"}[number]
"""
    forger = "class Fake:\n    pass\n\n\ndef to_roman(number):\n    return Fake()\n"
    assert grade(reference, {"test_raising.py": tests}, limits=LIMITS, reference=reference).passed
    result = grade(forger, {"test_raising.py": tests}, limits=LIMITS, reference=reference)

    shown = {test.name.rsplit(".", 1)[-1]: test.outcome for test in result.tests}
    assert shown == {"test_a_bad_number_raises": "failed", "test_four": "failed"}
    assert not result.passed


def test_a_value_of_another_kind_than_the_references_fails(grade: Grade) -> None:
    """A plain value is data, but the exercise still decides its kind: a list where the
    reference returns a str fails, even where the test only asks `not in` of it."""
    student = CORRECT.replace('return {4: "IV"}[number]', 'return ["I", "V"]')
    result = grade(student, {"test_operations.py": TESTS}, limits=LIMITS, reference=CORRECT)
    (not_in,) = [test for test in result.tests if test.name.endswith(".test_not_in")]

    assert not_in.outcome == "failed"
    assert "solution.to_roman() returned a list, expected a str" in not_in.message
    assert outcomes(result)["test_len"] == "passed"


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_builtin_subclass_crosses_as_its_plain_value(
    operation: str, subclass_forger_result: RunResult
) -> None:
    test = next(t for t in subclass_forger_result.tests if t.name.endswith(f".{operation}"))

    assert test.outcome == "failed", (test.name, test.message)


@pytest.fixture(scope="module")
def subclass_forger_result(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """One grading of the subclass forger (without a reference: copies alone defeat it) for all
    the parametrized checks."""
    lock_dir = tmp_path_factory.mktemp("operation-locks")
    os.chmod(lock_dir, 0o700)
    return run_tests(
        language="python",
        student_files=[SourceFile("solution.py", SUBCLASS_FORGER)],
        test_files=[SourceFile("test_operations.py", TESTS)],
        limits=LIMITS,
        unsafe=False,
        config=SandboxConfig(slots=1, lock_dir=str(lock_dir), first_uid=FIRST_UID),
    )


def test_kinds_that_stand_for_one_another_pass(grade: Grade) -> None:
    """Honest answers of a kind close to the reference's: a dict for a Counter, a list for a
    generator, an int for a float."""
    reference = """\
    from collections import Counter

    def count_words(text):
        return Counter(text.split())

    def evens(limit):
        yield from range(0, limit, 2)

    def half(number):
        return number / 2
    """
    student = """\
    def count_words(text):
        counts = {}
        for word in text.split():
            counts[word] = counts.get(word, 0) + 1
        return counts

    def evens(limit):
        return list(range(0, limit, 2))

    def half(number):
        return number // 2
    """
    tests = """\
    from solution import count_words, evens, half

    def test_counts():
        assert count_words("a b a") == {"a": 2, "b": 1}

    def test_evens():
        assert list(evens(5)) == [0, 2, 4]

    def test_half():
        assert half(4) == 2
    """
    result = grade(student, {"test_kinds.py": tests}, limits=LIMITS, reference=reference)

    assert result.passed, [(t.name, t.message) for t in result.tests]


def test_a_reference_run_that_did_not_finish_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    from tutor.sandbox import runner
    from tutor.sandbox.languages import get_language
    from tutor.sandbox.report import HarnessReport

    reports = [
        HarnessReport(done=False, kinds={"solution.f()": ["int"]}),
        HarnessReport(done=True, kinds={"solution.f()": ["str"]}),
    ]
    monkeypatch.setattr(runner, "execute_run", lambda *args, **kwargs: (None, reports.pop(0)))
    monkeypatch.setattr(runner, "REFERENCE_KINDS", runner.OrderedDict())
    files = runner.RunFiles(
        [SourceFile("solution.py", "")],
        [SourceFile("test_x.py", "")],
        (),
        (),
        False,
        (SourceFile("solution.py", "def f():\n    return 'x'\n"),),
    )
    config = SandboxConfig(slots=1, lock_dir="/nonexistent", first_uid=FIRST_UID)

    def kinds() -> dict[str, list[str]]:
        return runner.reference_kinds(get_language("python"), files, LIMITS, config, unsafe=True)

    assert kinds() == {"solution.f()": ["int"]}  # used once, not kept
    assert kinds() == {"solution.f()": ["str"]}
    assert kinds() == {"solution.f()": ["str"]}  # kept: no third run
