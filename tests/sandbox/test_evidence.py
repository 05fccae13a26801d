"""Evidence of a run: recorded on the student's side, bounded, and never part of a verdict."""

import json
from dataclasses import asdict

from tests.sandbox.conftest import Grade
from tutor.sandbox.evidence import MAX_RUN_EVIDENCE_BYTES, TestEvidence, parse_evidence

VOWELS = """\
def count_vowels(text):
    count = 0
    for i in range(1, len(text)):
        if text[i] in "aeiou":
            count += 1
    return count
"""
VOWEL_TESTS = {
    "test_solution.py": """\
    import unittest
    from solution import count_vowels

    class VowelTest(unittest.TestCase):
        def test_hello(self):
            self.assertEqual(count_vowels("hello"), 2)

        def test_apple(self):
            self.assertEqual(count_vowels("apple"), 2)

        def test_orange(self):
            self.assertEqual(count_vowels("orange"), 3)
    """
}


def _evidence(result, name: str) -> TestEvidence:
    test = next(test for test in result.tests if test.name == name)
    assert test.evidence is not None
    return test.evidence


def test_each_test_gets_its_calls_and_lines_and_the_first_failure_a_trace(grade: Grade) -> None:
    result = grade(VOWELS, VOWEL_TESTS, evidence=True)

    assert [test.outcome for test in result.tests] == ["passed", "failed", "failed"]
    hello, apple, orange = (
        _evidence(result, f"VowelTest.test_{name}") for name in ("hello", "apple", "orange")
    )
    assert [(call.function, call.args, call.returned) for call in apple.calls] == [
        ("count_vowels", ["'apple'"], "1")
    ]
    assert apple.calls[0].return_line == 6
    # The loop header runs once per index tried plus the final check: len("apple") = 5.
    assert dict(apple.lines["solution.py"]) == {2: 1, 3: 5, 4: 4, 5: 1, 6: 1}
    assert dict(hello.lines["solution.py"])[5] == 2
    # Failing tests carry a trace (the first three); passing tests never do.
    assert hello.steps == []
    assert [step.line for step in orange.steps[:3]] == [2, 3, 4]
    assert [step.line for step in apple.steps[:4]] == [2, 3, 4, 3]
    assert apple.steps[2].locals == {"text": "'apple'", "count": "0", "i": "1"}
    assert apple.steps[-1].event == "return" and apple.steps[-1].value == "1"


def test_only_the_first_three_failing_tests_are_traced(grade: Grade) -> None:
    tests = "".join(
        f"def test_{n}():\n    assert count_vowels('a' * {n}) == {n}\n\n" for n in range(1, 6)
    )
    result = grade(
        VOWELS, {"test_many.py": "from solution import count_vowels\n\n" + tests}, evidence=True
    )

    assert all(test.outcome == "failed" for test in result.tests)
    assert [bool(test.evidence and test.evidence.steps) for test in result.tests] == [
        True,
        True,
        True,
        False,
        False,
    ]


def test_no_evidence_unless_asked(grade: Grade) -> None:
    result = grade(VOWELS, VOWEL_TESTS)
    assert all(test.evidence is None for test in result.tests)


def test_a_long_loop_leaves_a_bounded_summary(grade: Grade) -> None:
    student = """\
    def spin(n):
        total = 0
        for i in range(n):
            total += i
        return total + 1
    """
    tests = {
        "test_spin.py": """\
        from solution import spin

        def test_spin():
            assert spin(1_000_000) == 499999500000
        """
    }
    result = grade(student, tests, evidence=True)

    assert result.tests[0].outcome == "failed"
    evidence = result.tests[0].evidence
    assert evidence is not None and evidence.cut
    assert evidence.events <= 20_001
    assert len(evidence.steps) <= 200 and evidence.steps_cut
    assert dict(evidence.lines["solution.py"])[4] < 20_001
    assert evidence.calls[0].returned == "499999500001"


def test_no_student_repr_runs_for_evidence(grade: Grade) -> None:
    student = """\
    class Loud:
        def __repr__(self):
            print("repr ran")
            raise RuntimeError("repr")

    def make():
        thing = Loud()
        return [thing]
    """
    tests = {
        "test_loud.py": """\
        from solution import Loud, make

        def test_make():
            assert len(make()) == 2
        """
    }
    # Loud is one of the exercise's classes (the tests import it): it stays behind a stand-in.
    result = grade(student, tests, evidence=True)

    test = result.tests[0]
    assert test.outcome == "failed"
    assert "repr ran" not in test.stdout
    assert test.evidence is not None
    assert test.evidence.calls[0].returned == "[<Loud object>]"
    assert any(step.locals.get("thing") == "<Loud object>" for step in test.evidence.steps)


def test_forged_evidence_changes_no_verdict_and_stays_capped(grade: Grade) -> None:
    # The student's code finds the recorder and stuffs it: the verdict is the tests' alone.
    student = """\
    import gc

    def stuff():
        for thing in gc.get_objects():
            if type(thing).__name__ == "Recorder":
                thing.calls = [{"function": "x" * 10_000, "args": ["y" * 10_000] * 50}] * 1000
                thing.counts = {(f"/tmp/work/solution.py", n): 7 for n in range(1, 50_000)}
                thing.counts[("/etc/passwd", 1)] = 1
                thing.steps = [{"file": "solution.py", "line": 1, "event": "line",
                                "function": "f", "depth": 0, "locals": {"a": "b" * 500}}] * 5000
        return 1
    """
    tests = {
        "test_stuff.py": """\
        from solution import stuff

        def test_stuff():
            assert stuff() == 2

        def test_again():
            assert stuff() == 1
        """
    }
    result = grade(student, tests, evidence=True)

    assert [test.outcome for test in result.tests] == ["failed", "passed"], result.tests[1].message
    total = len(json.dumps([asdict(test.evidence) for test in result.tests if test.evidence]))
    assert total <= MAX_RUN_EVIDENCE_BYTES
    for test in result.tests:
        if test.evidence is not None:
            assert set(test.evidence.lines) <= {"solution.py"}
            assert len(test.evidence.calls) <= 8


def test_parse_evidence_refuses_junk() -> None:
    assert parse_evidence("junk", {"solution.py"}) is None
    parsed = parse_evidence(
        {
            "calls": [{"function": 3}, {"function": "f", "args": [1, "'a'"], "return_line": -4}],
            "lines": {"solution.py": [[1, 2], ["x", 1], [True, 1], [5, -1]], "other.py": [[1, 1]]},
            "steps": [{"file": "/etc/passwd", "line": 1, "event": "line"}],
            "calls_total": True,
        },
        {"solution.py"},
    )
    assert parsed is not None
    assert [(call.function, call.args, call.return_line) for call in parsed.calls] == [
        ("f", ["'a'"], None)
    ]
    assert parsed.lines == {"solution.py": [(1, 2)]}
    assert parsed.steps == [] and parsed.calls_total == 0
