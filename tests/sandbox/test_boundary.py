"""The process boundary through the real sandbox: what crosses, what stays behind a handle, and
what fails with a clear message. The tests' process holds no student code."""

import os

import pytest

from tests.sandbox.conftest import FIRST_UID, Grade
from tutor.sandbox import Limits, SourceFile, run_tests
from tutor.sandbox.config import SandboxConfig
from tutor.sandbox.languages.base import TestId
from tutor.sandbox.report import parse_report

STUDENT = """\
    import sys
    from collections import Counter, namedtuple

    Pair = namedtuple("Pair", "left right")


    class Stack:
        def __init__(self, *items):
            self.items = list(items)

        def push(self, item):
            self.items.append(item)

        def pop(self):
            if not self.items:
                raise IndexError("pop from an empty stack")
            return self.items.pop()

        def __len__(self):
            return len(self.items)

        def __iter__(self):
            return iter(self.items)

        def __eq__(self, other):
            return isinstance(other, Stack) and other.items == self.items

        __hash__ = None


    class StackError(LookupError):
        pass


    class EmptyStackError(StackError):
        pass


    def fail(kind):
        if kind == "empty":
            raise EmptyStackError("nothing here")
        raise ValueError(f"bad kind: {kind}")


    def sort_in_place(items, table):
        items.sort()
        table["sorted"] = True


    def countdown(n):
        while n > 0:
            yield n
            n -= 1


    def words(text):
        return Counter(text.split())


    def pair(a, b):
        return Pair(a, b)


    def greet():
        name = input("Your name? ")
        print("Hello,", name)
        print("careful", file=sys.stderr)
        return name


    def apply(function, values):
        return [function(value) for value in values]


    def values():
        return None, True, 3, 2.5, float("inf"), "text", b"\\x00\\xff", [1], (2,), {3}, \\
            frozenset({4}), {"k": [1, {2: (3,)}]}, bytearray(b"ab")
"""


def test_values_objects_classes_and_exceptions_cross_the_boundary(grade: Grade) -> None:
    tests = """\
        import io, math, unittest
        from unittest import mock

        import solution
        from solution import (
            EmptyStackError, Stack, StackError, apply, countdown, fail, greet, pair,
            sort_in_place, values, words,
        )


        class Boundary(unittest.TestCase):
            def test_plain_values_arrive_as_exact_builtin_types(self):
                got = values()
                self.assertEqual(type(got), tuple)
                self.assertEqual(got[:4], (None, True, 3, 2.5))
                self.assertTrue(math.isinf(got[4]))
                self.assertEqual(got[5:], ("text", b"\\x00\\xff", [1], (2,), {3}, frozenset({4}),
                                           {"k": [1, {2: (3,)}]}, bytearray(b"ab")))
                self.assertEqual([type(v) for v in got[5:]],
                                 [str, bytes, list, tuple, set, frozenset, dict, bytearray])

            def test_objects_of_the_students_classes(self):
                stack = Stack(1, 2)
                stack.push(3)
                self.assertEqual(len(stack), 3)
                self.assertEqual(list(stack), [1, 2, 3])
                self.assertEqual(stack.pop(), 3)
                self.assertEqual(stack.items, [1, 2])
                self.assertIsInstance(stack, Stack)
                self.assertNotIsInstance("x", Stack)
                self.assertEqual(stack, Stack(1, 2))
                self.assertNotEqual(stack, Stack(1))
                self.assertNotEqual(stack, [1, 2])

            def test_builtin_subclasses_compare_as_their_builtin_copy(self):
                self.assertEqual(words("a b a"), {"a": 2, "b": 1})
                self.assertEqual(pair(1, 2), (1, 2))
                self.assertEqual(pair(1, 2).left, 1)

            def test_exceptions_keep_their_builtin_base_and_the_students_classes(self):
                with self.assertRaises(IndexError):
                    Stack().pop()
                with self.assertRaises(EmptyStackError) as caught:
                    fail("empty")
                self.assertIsInstance(caught.exception, StackError)
                self.assertIsInstance(caught.exception, LookupError)
                self.assertEqual(str(caught.exception), "nothing here")
                with self.assertRaisesRegex(ValueError, "bad kind: x"):
                    fail("x")

            def test_arguments_changed_in_place_are_changed_here(self):
                items, table = [3, 1, 2], {}
                sort_in_place(items, table)
                self.assertEqual((items, table), ([1, 2, 3], {"sorted": True}))

            def test_a_generator_stepped_through(self):
                numbers = countdown(3)
                self.assertEqual(next(numbers), 3)
                self.assertEqual(list(numbers), [2, 1])

            def test_print_and_input(self):
                with mock.patch("builtins.input", return_value="Ada"):
                    self.assertEqual(greet(), "Ada")
                with mock.patch("sys.stdin", io.StringIO("Grace\\n")):
                    self.assertEqual(greet(), "Grace")
                with self.assertRaises(EOFError):
                    greet()

            def test_functions_of_the_tests_are_called_back(self):
                self.assertEqual(apply(lambda value: value * 2, [1, 2]), [2, 4])

            def test_patching_the_students_module(self):
                with mock.patch.object(solution, "countdown", return_value=[9]):
                    self.assertEqual(list(solution.countdown(5)), [9])
                self.assertEqual(list(solution.countdown(1)), [1])

            def test_patching_a_students_class(self):
                with mock.patch.object(Stack, "pop", return_value="mocked"):
                    self.assertEqual(Stack(1).pop(), "mocked")
                self.assertEqual(Stack(1).pop(), 1)
    """
    result = grade(STUDENT, {"test_boundary.py": tests}, limits=Limits(time_seconds=10))

    failures = [(t.name, t.message, t.traceback) for t in result.tests if t.outcome != "passed"]
    assert failures == []
    assert result.passed
    printed = next(t for t in result.tests if t.name.endswith("test_print_and_input"))
    # A patched input() prints no prompt; the real one does.
    assert printed.stdout == "Hello, Ada\nYour name? Hello, Grace\nYour name? "
    assert printed.stderr == "careful\ncareful\n"


def test_what_cannot_cross_fails_with_a_clear_message_naming_the_test(grade: Grade) -> None:
    student = """\
        class Thing:
            pass

        def peek(thing):
            return thing.__globals__["EXPECTED"]

        def reset(counter):
            counter.looks = 0

        def read(counter):
            return counter.looks
    """
    tests = """\
        from solution import peek, read, reset

        EXPECTED = "the hidden answer"

        class Counter:
            looks = 3

        def test_subclasses_a_student_class():
            from solution import Thing

            class Bigger(Thing):
                pass

        def test_the_students_code_cannot_reach_into_the_tests():
            try:
                peek(test_subclasses_a_student_class)
            except AttributeError as error:
                assert "out of reach" in str(error)
            else:
                raise AssertionError("reached the tests' globals")

        def test_nor_change_their_objects():
            counter = Counter()
            try:
                reset(counter)
            except AttributeError:
                pass
            assert counter.looks == 3 and read(counter) == 3
    """
    subclasses, globals_, changes = grade(student, {"test_x.py": tests}).tests

    assert subclasses.outcome == "error"
    assert "cannot subclass Thing, a class of the student's code (in" in subclasses.message
    assert "test_subclasses_a_student_class" in subclasses.message
    assert (globals_.outcome, changes.outcome) == ("passed", "passed")


def test_hostile_values_from_the_student_end_as_clean_errors(grade: Grade) -> None:
    student = """\
        def deep():
            value = []
            for _ in range(200_000):
                value = [value]
            return value

        def huge():
            return "x" * (70 * 1024 * 1024)

        def after():
            return 1
    """
    tests = """\
        from solution import after, deep, huge

        def test_deep():
            value = deep()
            for _ in range(150):
                value = value[0]

        def test_huge():
            huge()

        def test_after():
            assert after() == 1
    """
    deep, huge, after = grade(student, {"test_x.py": tests}, limits=Limits(time_seconds=10)).tests

    # A value crosses whole or not at all: never half of it behind a handle.
    assert deep.outcome == "error"
    assert "nested more than 100 levels deep" in deep.message
    assert huge.outcome == "error"
    assert "cannot be sent to the tests" in huge.message
    assert after.outcome == "passed"


def test_student_exit_breaks_only_the_connection(grade: Grade) -> None:
    student = "import os\n\ndef leave():\n    os._exit(3)\n"
    tests = (
        "from solution import leave\n\ndef test_a():\n    leave()\n\ndef test_b():\n    leave()\n"
    )
    result = grade(student, {"test_x.py": tests})

    assert result.status == "completed"
    assert [t.outcome for t in result.tests] == ["error", "error"]
    assert all("connection to your code broke" in t.message for t in result.tests)


def test_helper_modules_for_the_tests_and_data_files_for_the_student(
    sandbox_config: SandboxConfig,
) -> None:
    student = (
        "import os\n\ndef first_word(path):\n    with open(path) as f:\n"
        "        return f.read().split()[0]\n\n"
        "def can_see(path):\n    return os.path.exists(path)\n"
    )
    helper = "def expect_first(value):\n    assert value == 'hello', value\n"
    tests = (
        "import os\nfrom test_utils import expect_first\nfrom solution import can_see, first_word\n"
        "\ndef test_reads_its_data():\n    expect_first(first_word('words.txt'))\n\n"
        "def test_helper_is_not_on_the_students_side():\n"
        "    assert not can_see('test_utils.py') and not can_see('test_words.py')\n"
    )
    result = run_tests(
        "python",
        [SourceFile("solution.py", student)],
        [SourceFile("test_words.py", tests)],
        unsafe=False,
        config=sandbox_config,
        support_files=[SourceFile("test_utils.py", helper)],
        data_files=[SourceFile("words.txt", "hello world\n")],
    )

    assert [t.name for t in result.tests] == [
        "test_reads_its_data",
        "test_helper_is_not_on_the_students_side",
    ]
    assert result.passed, [(t.name, t.message) for t in result.tests]


def test_hostile_reports_parse_in_bounded_time_and_keep_only_known_tests() -> None:
    known = [TestId("t.py", "test_a")]
    nonce = "0" * 32
    line = '{"n": "%s", "event": "result", "file": "t.py", "name": "%s", "outcome": "passed"}'
    flood = "\n".join(line % (nonce, f"test_{i}") for i in range(100_000))
    report = parse_report(
        ("[" * 200_000 + "\n" + flood + "\n" + line % (nonce, "test_a")).encode(), nonce, known
    )

    assert list(report.results) == known


@pytest.mark.skipif(os.geteuid() != 0, reason="the shared /tmp is a tmpfs only on a root server")
def test_a_symlink_planted_in_the_shared_folder_leads_the_tests_nowhere(grade: Grade) -> None:
    student = "import os\nos.symlink('/opt/tests/test_x.py', 'out.txt')\n\ndef f():\n    return 1\n"
    tests = (
        "from solution import f\n\ndef test_read():\n    f()\n    print(open('out.txt').read())\n"
    )
    (test,) = grade(student, {"test_x.py": tests}).tests

    assert test.outcome == "error"
    assert "Too many levels of symbolic links" in test.message
    assert "def test_read" not in test.stdout


def test_the_students_memory_bomb_is_a_memory_limit(grade: Grade) -> None:
    student = "def grow():\n    items = []\n    while True:\n        items.append(' ' * 10**6)\n"
    result = grade(
        student, {"test_x.py": "from solution import grow\n\ndef test_a():\n    grow()\n"}
    )

    assert result.status == "memory_limit"
    assert result.tests[0].message == "MemoryError"


@pytest.mark.skipif(os.geteuid() != 0, reason="own uids only when the server is root")
def test_the_tests_and_the_students_code_run_as_two_uids_in_two_pid_namespaces(
    grade: Grade,
) -> None:
    student = (
        "import os\n\ndef who():\n"
        "    return os.getuid(), os.getpid(), sorted(os.listdir('/proc'))\n"
    )
    tests = (
        "import os\nfrom solution import who\n\n"
        "def test_who():\n"
        "    uid, pid, proc = who()\n"
        "    print(os.getuid(), uid, os.getpid(), pid)\n"
        "    assert [name for name in proc if name.isdigit()] == ['1']\n"
    )
    (test,) = grade(student, {"test_x.py": tests}).tests

    assert test.outcome == "passed", test.message
    tests_uid, student_uid, tests_pid, student_pid = map(int, test.stdout.split())
    assert (tests_uid, student_uid) == (FIRST_UID + 1000, FIRST_UID)
    assert tests_pid == student_pid == 1  # each the first process of its own pid namespace
