"""Real test suites' shapes through the real sandbox: standard objects both ways, a mocked file,
a million-element list, an author's skip, a helper module among the test files.

The test files below are shortened from Exercism's Python track (exercises/practice/<slug>/,
github.com/exercism/python, MIT License, Copyright (c) 2021 Exercism; see
tests/fixtures/exercism/LICENSE), keeping each construct as the track writes it. Each is graded
with the track's reference solution as the exercise's reference (which decides what kinds of
value may cross) and, as the student, once correct and once wrong.
"""

from tests.sandbox.conftest import Grade
from tutor.sandbox import Limits, RunResult

LIMITS = Limits(time_seconds=15, memory_mb=512, output_kb=256, test_output_kb=64)

GIGASECOND_TESTS = """\
from datetime import datetime
import unittest

from gigasecond import (
    add,
)


class GigasecondTest(unittest.TestCase):
    def test_date_only_specification_of_time(self):
        self.assertEqual(
            add(datetime(2011, 4, 25, 0, 0)), datetime(2043, 1, 1, 1, 46, 40)
        )

    def test_full_time_with_day_roll_over(self):
        self.assertEqual(
            add(datetime(2015, 1, 24, 23, 59, 59)), datetime(2046, 10, 3, 1, 46, 39)
        )
"""
GIGASECOND = """\
from datetime import timedelta


def add(moment):
    return moment + timedelta(seconds=1e9)
"""

MEETUP_TESTS = """\
from datetime import date
import unittest

from meetup import (
    meetup,
    MeetupDayException,
)


class MeetupTest(unittest.TestCase):
    def test_when_teenth_monday_is_the_13th_the_first_day_of_the_teenth_week(self):
        self.assertEqual(meetup(2013, 5, "teenth", "Monday"), date(2013, 5, 13))

    def test_last_sunday_in_february(self):
        self.assertEqual(meetup(2013, 2, "last", "Sunday"), date(2013, 2, 24))

    def test_nonexistent_fifth_monday_of_february_2015(self):
        with self.assertRaises(MeetupDayException) as err:
            meetup(2015, 2, "fifth", "Monday")
        self.assertEqual(type(err.exception), MeetupDayException)
        self.assertEqual(err.exception.args[0], "That day does not exist.")
"""
MEETUP = """\
import calendar
from datetime import date


class MeetupDayException(ValueError):
    def __init__(self):
        self.message = "That day does not exist."
        super().__init__(self.message)


def meetup(year, month, week, day_of_week):
    weekday = list(calendar.day_name).index(day_of_week)
    days = [
        date(year, month, number)
        for number in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, number).weekday() == weekday
    ]
    if week == "teenth":
        return next(day for day in days if 13 <= day.day <= 19)
    if week == "last":
        return days[-1]
    index = ["first", "second", "third", "fourth", "fifth"].index(week)
    if index >= len(days):
        raise MeetupDayException()
    return days[index]
"""

GREP_TESTS = '''\
import unittest

from grep import (
    grep,
)
import io
from unittest import mock

FILE_TEXT = {
    "iliad.txt": """Achilles sing, O Goddess! Peleus' son;
His wrath pernicious, who ten thousand woes
Of Atreus, Agamemnon, King of men.\\n""",
    "paradise-lost.txt": """Of Mans First Disobedience, and the Fruit
Of that Forbidden Tree, whose mortal tast\\n""",
}


def open_mock(fname, *args, **kwargs):
    try:
        return io.StringIO(FILE_TEXT[fname])
    except KeyError:
        raise RuntimeError(
            "Expected one of {0!r}: got {1!r}".format(list(FILE_TEXT.keys()), fname)
        )


@mock.patch("grep.open", name="open", side_effect=open_mock, create=True)
@mock.patch("io.StringIO", name="StringIO", wraps=io.StringIO)
class GrepTest(unittest.TestCase):
    def test_one_file_one_match_no_flags(self, mock_file, mock_open):
        self.assertMultiLineEqual(
            grep("Agamemnon", "", ["iliad.txt"]), "Of Atreus, Agamemnon, King of men.\\n"
        )

    def test_one_file_one_match_print_line_numbers_flag(self, mock_file, mock_open):
        self.assertMultiLineEqual(
            grep("Forbidden", "-n", ["paradise-lost.txt"]),
            "2:Of that Forbidden Tree, whose mortal tast\\n",
        )

    def test_multiple_files_one_match_no_flags(self, mock_file, mock_open):
        self.assertMultiLineEqual(
            grep("Agamemnon", "", ["iliad.txt", "paradise-lost.txt"]),
            "iliad.txt:Of Atreus, Agamemnon, King of men.\\n",
        )
'''
GREP = """\
def grep(pattern, flags, files):
    flags = flags.split()
    found = []
    for name in files:
        with open(name) as file:
            for number, line in enumerate(file, start=1):
                if pattern in line:
                    prefix = f"{name}:" if len(files) > 1 else ""
                    if "-n" in flags:
                        prefix += f"{number}:"
                    found.append(prefix + line)
    return "".join(found)
"""

SUBLIST_TESTS = """\
import unittest

from sublist import (
    sublist,
    SUBLIST,
    SUPERLIST,
    EQUAL,
    UNEQUAL,
)


class SublistTest(unittest.TestCase):
    def test_empty_lists(self):
        self.assertEqual(sublist([], []), EQUAL)

    def test_list_equals_itself(self):
        self.assertEqual(sublist([1, 2, 3], [1, 2, 3]), EQUAL)

    def test_sublist_at_end(self):
        self.assertEqual(sublist([3, 4, 5], [1, 2, 3, 4, 5]), SUBLIST)

    # Additional tests for this track
    def test_unique_return_values(self):
        self.assertEqual(len(set([SUBLIST, SUPERLIST, EQUAL, UNEQUAL])), 4)

    def test_inner_spaces(self):
        self.assertEqual(sublist(["a c"], ["a", "c"]), UNEQUAL)

    def test_large_lists(self):
        self.assertEqual(
            sublist(
                list(range(1000)) * 1000 + list(range(1000, 1100)),
                list(range(900, 1050)),
            ),
            SUPERLIST,
        )
"""
SUBLIST = """\
SUBLIST = 1
SUPERLIST = 2
EQUAL = 3
UNEQUAL = 4


def contains(longer, shorter):
    size = len(shorter)
    return any(longer[start : start + size] == shorter for start in range(len(longer) - size + 1))


def sublist(list_one, list_two):
    if list_one == list_two:
        return EQUAL
    if contains(list_two, list_one):
        return SUBLIST
    if contains(list_one, list_two):
        return SUPERLIST
    return UNEQUAL
"""

ALPHAMETICS_TESTS = """\
import unittest

from alphametics import (
    solve,
)


class AlphameticsTest(unittest.TestCase):
    def test_puzzle_with_three_letters(self):
        self.assertEqual(solve("I + BB == ILL"), {"I": 1, "B": 9, "L": 0})

    def test_solution_must_have_unique_value_for_each_letter(self):
        self.assertEqual(solve("A == B"), None)

    # See https://github.com/exercism/python/pull/1358
    @unittest.skip("extra-credit")
    def test_puzzle_with_ten_letters_and_199_addends(self):
        self.assertEqual(solve("THIS + A + FIRE + THEREFORE == ALL"), {"A": 1})
"""
ALPHAMETICS = """\
from itertools import permutations


def solve(puzzle):
    words = puzzle.replace("==", "+").replace(" ", "").split("+")
    letters = sorted(set("".join(words)))
    leading = {word[0] for word in words}
    for digits in permutations(range(10), len(letters)):
        value = dict(zip(letters, digits))
        if any(value[letter] == 0 for letter in leading):
            continue
        numbers = [int("".join(str(value[c]) for c in word)) for word in words]
        if sum(numbers[:-1]) == numbers[-1]:
            return value
    return None
"""

ERROR_HANDLING_TESTS = """\
import unittest

import error_handling as er
from test_utils import FileLike


class ErrorHandlingTest(unittest.TestCase):
    def test_throw_exception(self):
        with self.assertRaisesWithMessage(Exception):
            er.handle_error_by_throwing_exception()

    def test_return_tuple(self):
        successful_result, result = er.handle_error_by_returning_tuple("1")
        self.assertIs(successful_result, True, "Valid input should be successful")
        self.assertEqual(result, 1, "Result of valid input should not be None")

    def test_filelike_objects_are_closed_on_exception(self):
        filelike_object = FileLike(fail_something=True)
        with self.assertRaisesWithMessage(Exception):
            er.filelike_objects_are_closed_on_exception(filelike_object)
        self.assertIs(
            filelike_object.is_open, False, "filelike_object should be closed"
        )
        self.assertIs(
            filelike_object.was_open, True, "filelike_object should have been opened"
        )
        self.assertIs(
            filelike_object.did_something,
            True,
            "filelike_object should call do_something()",
        )

    # Utility functions
    def assertRaisesWithMessage(self, exception):
        return self.assertRaisesRegex(exception, r".+")
"""
ERROR_HANDLING_HELPER = """\
class FileLike:
    def __init__(self, fail_something=True):
        self.is_open = False
        self.was_open = False
        self.did_something = False
        self.fail_something = fail_something

    def open(self):
        self.was_open = False
        self.is_open = True

    def close(self):
        self.is_open = False
        self.was_open = True

    def __enter__(self):
        self.open()
        return self

    def __exit__(self, *args):
        self.close()

    def do_something(self):
        self.did_something = True
        if self.fail_something:
            raise Exception("Failed while doing something")
"""
ERROR_HANDLING = """\
def handle_error_by_throwing_exception():
    raise Exception("Meaningful message describing the source of the error")


def handle_error_by_returning_tuple(input_data):
    try:
        return (True, int(input_data))
    except ValueError:
        return (False, None)


def filelike_objects_are_closed_on_exception(filelike_object):
    with filelike_object as file_obj:
        file_obj.do_something()
"""


def failures(result: RunResult) -> list[tuple[str, str, str]]:
    return [(t.name, t.outcome, t.message) for t in result.tests if t.outcome != "passed"]


def test_datetimes_go_in_and_come_out_as_datetimes(grade: Grade) -> None:
    tests = {"gigasecond_test.py": GIGASECOND_TESTS}
    right = grade(GIGASECOND, tests, module="gigasecond", reference=GIGASECOND, limits=LIMITS)
    wrong = GIGASECOND.replace("1e9", "1e6")
    off = grade(wrong, tests, module="gigasecond", reference=GIGASECOND, limits=LIMITS)

    assert right.passed, failures(right)
    assert [t.outcome for t in off.tests] == ["failed", "failed"], failures(off)
    assert off.tests[0].actual == "datetime.datetime(2011, 5, 6, 13, 46, 40)"


def test_a_returned_date_equals_the_same_date_and_a_students_exception_is_raised(
    grade: Grade,
) -> None:
    tests = {"meetup_test.py": MEETUP_TESTS}
    right = grade(MEETUP, tests, module="meetup", reference=MEETUP, limits=LIMITS)
    wrong = MEETUP.replace("return days[-1]", "return days[0]")
    off = grade(wrong, tests, module="meetup", reference=MEETUP, limits=LIMITS)

    assert right.passed, failures(right)
    assert [t.outcome for t in off.tests] == ["passed", "failed", "passed"], failures(off)


def test_a_mocked_open_works_as_a_context_manager_and_an_iterable(grade: Grade) -> None:
    tests = {"grep_test.py": GREP_TESTS}
    right = grade(GREP, tests, module="grep", reference=GREP, limits=LIMITS)
    wrong = GREP.replace('prefix += f"{number}:"', 'prefix += f"{number - 1}:"')
    off = grade(wrong, tests, module="grep", reference=GREP, limits=LIMITS)

    assert right.passed, failures(right)
    assert [t.outcome for t in off.tests] == ["passed", "failed", "passed"], failures(off)


def test_a_million_element_list_crosses_within_the_time_limit(grade: Grade) -> None:
    tests = {"sublist_test.py": SUBLIST_TESTS}
    right = grade(SUBLIST, tests, module="sublist", reference=SUBLIST, limits=LIMITS)
    wrong = SUBLIST.replace("    if contains(list_one, list_two):\n        return SUPERLIST\n", "")
    off = grade(wrong, tests, module="sublist", reference=SUBLIST, limits=LIMITS)

    assert right.passed, failures(right)
    large = [t for t in off.tests if t.name.endswith("test_large_lists")]
    assert [t.outcome for t in large] == ["failed"]


def test_the_authors_skip_is_left_out_of_the_verdict(grade: Grade) -> None:
    tests = {"alphametics_test.py": ALPHAMETICS_TESTS}
    result = grade(ALPHAMETICS, tests, module="alphametics", reference=ALPHAMETICS, limits=LIMITS)

    assert [t.outcome for t in result.tests] == ["passed", "passed", "skipped"]
    assert result.passed
    assert result.message == "All 2 tests passed (1 skipped by the exercise's author)."


def test_a_helper_module_among_the_test_files_is_importable_by_the_tests(grade: Grade) -> None:
    tests = {"error_handling_test.py": ERROR_HANDLING_TESTS}
    support = {"test_utils.py": ERROR_HANDLING_HELPER}
    right = grade(
        ERROR_HANDLING,
        tests,
        module="error_handling",
        reference=ERROR_HANDLING,
        support=support,
        limits=LIMITS,
    )
    # The file-like object is never closed: the with block is gone.
    wrong = ERROR_HANDLING.replace(
        "    with filelike_object as file_obj:\n        file_obj.do_something()",
        "    filelike_object.open()\n    filelike_object.do_something()",
    )
    off = grade(
        wrong,
        tests,
        module="error_handling",
        reference=ERROR_HANDLING,
        support=support,
        limits=LIMITS,
    )

    assert right.passed, failures(right)
    assert [t.outcome for t in off.tests] == ["passed", "passed", "failed"], failures(off)


SKIPS = """\
import unittest

from solution import value


class Skips(unittest.TestCase):
    @unittest.skipIf(True, "not in this course")
    def test_skipped_by_a_decorator(self):
        raise AssertionError("never runs")

    def test_skipped_at_run_time(self):
        if value() == 1:
            self.skipTest("too easy")

    def test_student_raises_skiptest(self):
        self.assertEqual(value(), 2)
"""


def test_a_skip_at_run_time_is_an_error_not_a_skip(grade: Grade) -> None:
    result = grade("def value():\n    return 1\n", {"test_skips.py": SKIPS}, limits=LIMITS)

    assert [t.outcome for t in result.tests] == ["skipped", "error", "failed"]
    assert "only a skip decorator leaves a test out of the verdict" in result.tests[1].message
    assert "too easy" in result.tests[1].message
    assert not result.passed


def test_the_students_skiptest_is_an_ordinary_error(grade: Grade) -> None:
    student = "import unittest\n\ndef value():\n    raise unittest.SkipTest('nothing to see')\n"
    result = grade(student, {"test_skips.py": SKIPS}, limits=LIMITS)

    assert [t.outcome for t in result.tests] == ["skipped", "error", "error"]
    assert all("SkipTest: nothing to see" in t.message for t in result.tests[1:])
    assert not result.passed
