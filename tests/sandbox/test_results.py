"""What a run reports, through the real sandbox: verdicts, values, output, lines, broken modules."""

import json

from tests.sandbox.conftest import FAST, Grade
from tutor.sandbox import Limits, TestResult

GREETING = """\
    def two_fer(name="you"):
        return f"One for {name}, one for me."


    def add(a, b):
        return a + b
"""

UNITTEST_TESTS = """\
    import unittest

    from solution import two_fer


    class TwoFerTest(unittest.TestCase):
        def test_no_name_given(self):
            self.assertEqual(two_fer(), "One for you, one for me.")

        def test_a_name_given(self):
            self.assertEqual(two_fer("Alice"), "One for Alice, one for me.")
"""

PYTEST_TESTS = """\
    from solution import add


    def test_zero():
        assert add(0, 0) == 0


    def test_adds():
        assert add(2, 3) == 5
"""


def by_name(tests: list[TestResult]) -> dict[str, TestResult]:
    return {test.name: test for test in tests}


def test_passing_unittest_and_pytest_style_tests_in_written_order(grade: Grade) -> None:
    result = grade(GREETING, {"test_visible.py": UNITTEST_TESTS, "test_hidden.py": PYTEST_TESTS})

    assert result.status == "completed"
    assert result.passed
    assert [(t.file, t.name) for t in result.tests] == [
        ("test_visible.py", "TwoFerTest.test_no_name_given"),
        ("test_visible.py", "TwoFerTest.test_a_name_given"),
        ("test_hidden.py", "test_zero"),
        ("test_hidden.py", "test_adds"),
    ]
    assert {t.outcome for t in result.tests} == {"passed"}
    assert result.message == "All 4 tests passed."
    assert result.exit_code == 0
    json.dumps(result.to_dict())  # the grading task stores it as JSON


def test_failing_assert_equal_reports_expected_and_actual(grade: Grade) -> None:
    student = GREETING.replace("one for me.", "one for me")
    result = grade(student, {"test_visible.py": UNITTEST_TESTS})

    failed = by_name(result.tests)["TwoFerTest.test_a_name_given"]
    assert failed.outcome == "failed"
    assert failed.expected == "'One for Alice, one for me.'"
    assert failed.actual == "'One for Alice, one for me'"
    assert "!=" in failed.message
    assert 'File "test_visible.py", line 11, in test_a_name_given' in failed.traceback
    assert "case.py" not in failed.traceback and "harness" not in failed.traceback
    assert not result.passed
    assert result.message == "0 of 2 tests passed; 2 failed."


def test_failing_plain_assert_reevaluates_both_sides(grade: Grade) -> None:
    student = GREETING.replace("return a + b", "return a - b")
    result = grade(student, {"test_hidden.py": PYTEST_TESTS})

    zero, adds = result.tests
    assert zero.outcome == "passed"
    assert adds.outcome == "failed"
    assert adds.message == "assert add(2, 3) == 5"
    assert (adds.actual, adds.expected) == ("-1", "5")


def test_assertion_failures_of_other_kinds_have_no_values(grade: Grade) -> None:
    tests = """\
        from solution import add

        def test_less():
            assert add(1, 1) > 5

        def test_with_message():
            assert add(1, 1) == 3, "one and one"
    """
    less, with_message = grade(GREETING, {"test_x.py": tests}).tests

    assert (less.outcome, less.message, less.expected) == ("failed", "assert add(1, 1) > 5", None)
    assert with_message.message == "AssertionError: one and one"
    assert (with_message.actual, with_message.expected) == ("2", "3")


def test_output_is_captured_per_test_and_outside_tests(grade: Grade) -> None:
    student = """\
        import sys
        print("loading the module")

        def shout(word):
            print("shouting", word)
            print("careful", file=sys.stderr)
            return word.upper()
    """
    tests = """\
        from solution import shout

        def test_first():
            assert shout("a") == "A"

        def test_second():
            print("in the test")
            assert shout("b") == "B"
    """
    result = grade(student, {"test_x.py": tests})

    first, second = result.tests
    assert (first.stdout, first.stderr) == ("shouting a\n", "careful\n")
    assert second.stdout == "in the test\nshouting b\n"
    assert result.stdout == "loading the module\n"


def test_per_test_output_is_capped(grade: Grade) -> None:
    tests = """\
        def test_chatty():
            for i in range(100_000):
                print("line", i)
    """
    result = grade("", {"test_x.py": tests}, limits=Limits(time_seconds=5, test_output_kb=1))

    (chatty,) = result.tests
    assert chatty.outcome == "passed"
    assert chatty.stdout.startswith("line 0\nline 1\n")
    assert chatty.stdout.endswith("[output cut: too long]")
    assert len(chatty.stdout) < 1100


def test_error_in_student_code_points_at_the_student_line(grade: Grade) -> None:
    student = "def add(a, b):\n    return a + c\n"
    result = grade(student, {"test_hidden.py": PYTEST_TESTS})

    for test in result.tests:
        assert test.outcome == "error"
        assert test.message == "NameError: name 'c' is not defined"
        assert test.line == 2
        assert 'File "solution.py", line 2, in add' in test.traceback
        assert 'File "test_hidden.py"' in test.traceback
        assert "/tmp/work" not in test.traceback


def test_syntax_error_in_student_file_errors_every_test(grade: Grade) -> None:
    student = "def add(a, b)\n    return a + b\n"
    result = grade(student, {"test_visible.py": UNITTEST_TESTS, "test_hidden.py": PYTEST_TESTS})

    assert result.status == "syntax_error"
    assert result.message.startswith("solution.py has a syntax error on line 1")
    assert len(result.tests) == 4
    for test in result.tests:
        assert test.outcome == "error"
        assert test.line == 1
        assert "SyntaxError" in test.traceback
        assert 'File "solution.py", line 1' in test.traceback


def test_exception_at_import_errors_every_test_with_its_line(grade: Grade) -> None:
    student = "x = 1\ny = x / 0\n\ndef add(a, b):\n    return a + b\n"
    result = grade(student, {"test_hidden.py": PYTEST_TESTS})

    assert result.status == "import_error"
    assert "ZeroDivisionError" in result.message
    assert [(t.outcome, t.line) for t in result.tests] == [("error", 2), ("error", 2)]


def test_a_test_file_that_cannot_import_errors_its_tests_only(grade: Grade) -> None:
    broken = (
        "from solution import multiply\n\ndef test_multiplies():\n    assert multiply(2, 3) == 6\n"
    )
    result = grade(GREETING, {"test_visible.py": UNITTEST_TESTS, "test_broken.py": broken})

    assert result.status == "completed"
    assert [t.outcome for t in result.tests] == ["passed", "passed", "error"]
    assert result.tests[2].name == "test_multiplies"
    assert "cannot import name 'multiply'" in result.tests[2].message


def test_timeout_keeps_the_results_of_earlier_tests(grade: Grade) -> None:
    tests = """\
        def test_quick():
            assert True

        def test_forever():
            while True:
                pass

        def test_never_reached():
            assert True
    """
    result = grade("", {"test_x.py": tests})

    assert result.status == "timeout"
    quick, forever, never = result.tests
    assert quick.outcome == "passed"
    assert (forever.outcome, never.outcome) == ("error", "error")
    assert forever.message.startswith("stopped: the program ran past the 1.5 s time limit")
    assert never.message.startswith("not run:")
    assert "during test_forever" in result.message
    assert result.duration_ms < (FAST.time_seconds + 1) * 1000


def test_timeout_while_loading_the_student_module(grade: Grade) -> None:
    result = grade("while True:\n    pass\n", {"test_hidden.py": PYTEST_TESTS})

    assert result.status == "timeout"
    assert "time limit while loading your code" in result.message
    assert [t.message.startswith("not run:") for t in result.tests] == [True, True]


def test_unittest_fixtures_skips_and_subtests(grade: Grade) -> None:
    tests = """\
        import unittest

        from solution import add

        class Broken(unittest.TestCase):
            @classmethod
            def setUpClass(cls):
                raise RuntimeError("no database")

            def test_one(self):
                pass

        class Fine(unittest.TestCase):
            def setUp(self):
                self.base = 10

            @unittest.skip("not yet")
            def test_skipped(self):
                pass

            def test_sub(self):
                for n in range(3):
                    with self.subTest(n=n):
                        self.assertEqual(add(self.base, n), 10 + n + (n == 2))
    """
    result = grade(GREETING, {"test_x.py": tests})

    one, skipped, sub = result.tests
    assert (one.name, one.outcome) == ("Broken.test_one", "error")
    assert "setUpClass failed: RuntimeError: no database" in one.message
    assert (skipped.outcome, skipped.message) == ("skipped", "not yet")
    assert sub.outcome == "failed"
    assert sub.message.startswith("(n=2)")
    assert (sub.actual, sub.expected) == ("12", "13")


def test_pytest_fixtures_are_reported_as_unsupported(grade: Grade) -> None:
    result = grade("", {"test_x.py": "def test_tmp(tmp_path):\n    pass\n"})

    (test,) = result.tests
    assert test.outcome == "error"
    assert "pytest fixtures" in test.message


def test_a_forked_child_does_not_run_the_remaining_tests(grade: Grade) -> None:
    tests = """\
        import os, time

        def test_forks():
            if os.fork() != 0:
                time.sleep(0.3)  # the child gets ahead, into the next test if it could

        def test_counts():
            print("pid", os.getpid())
    """
    result = grade("", {"test_x.py": tests})

    assert result.status == "completed"
    assert [t.outcome for t in result.tests] == ["passed", "passed"]
    assert result.tests[1].stdout == "pid 1\n"


def test_stdin_is_empty(grade: Grade) -> None:
    tests = "def test_reads():\n    assert input() == 'x'\n"
    (test,) = grade("", {"test_x.py": tests}).tests
    assert test.message == "EOFError: EOF when reading a line"


def test_a_student_cannot_forge_results(grade: Grade) -> None:
    student = """\
        import json, os
        fake = {"n": "guess", "event": "result", "file": "test_x.py", "name": "test_fails",
                "outcome": "passed"}
        for fd in range(3, 4096):
            try:
                os.write(fd, (json.dumps(fake) + "\\n").encode())
            except OSError:
                pass
        print(json.dumps(fake))
    """
    result = grade(student, {"test_x.py": "def test_fails():\n    assert False\n"})

    # Its junk reached the channel to the tests (the only descriptor it has): that breaks the
    # connection, it forges nothing.
    assert [t.outcome for t in result.tests] == ["error"]
    assert "connection to your code broke" in result.tests[0].message
    assert not result.passed


def test_the_authors_skip_is_left_out_but_skipping_is_not_passing(grade: Grade) -> None:
    tests = """\
        import unittest

        from solution import add

        class Adding(unittest.TestCase):
            def test_adds(self):
                self.assertEqual(add(1, 2), 3)

            @unittest.skip("later")
            def test_adds_later(self):
                self.assertEqual(add(2, 2), 4)
    """
    result = grade(GREETING, {"test_x.py": tests})

    assert [t.outcome for t in result.tests] == ["passed", "skipped"]
    assert result.status == "completed" and result.passed
    assert result.message == "The test passed (1 skipped by the exercise's author)."
    assert result.to_dict()["passed"] is True
    only_skipped = grade(GREETING, {"test_x.py": tests.replace("def test_adds(", "def xtest(")})
    assert [t.outcome for t in only_skipped.tests] == ["skipped"]
    assert not only_skipped.passed
