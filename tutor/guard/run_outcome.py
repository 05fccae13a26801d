"""What one sandbox run of a reply's code says: is that code a solution?

Every test passing says so. The guard also runs code under its own time limit, shorter than the
exercise's (GuardSettings.sandbox_seconds_per_run), to keep a reply's cost bounded; a correct but
slow solution then runs out of time in the exercise's heaviest test (a long input, usually the
last test), after passing all the others. Such a run is a solution too when what it did finish
leaves no doubt: every test that finished passed, they are at least NEARLY_ALL_TESTS of the
tests, and one of them is a hidden test. That last condition is why a student cannot fake this
for their own code (their code passing counts as "nothing left to leak"): code that only knows
the visible tests' inputs, and loops on anything else, passes no hidden test.

A reply that is not a solution (a hint's snippet, a skeleton, the student's own wrong code, a
generic example) fails a test or errors long before: none of this lets one through as a
solution. A run stopped by the exercise's own time limit is a timeout, as in grading.
"""

import math
from collections.abc import Collection
from dataclasses import dataclass

from tutor.sandbox import RunResult
from tutor.sandbox.models import verdict_passes
from tutor.sandbox.verdict import cut_off_by_stop

# The share of all tests that must have finished and passed before the guard's time limit.
NEARLY_ALL_TESTS = 0.75
UNFINISHED = "unfinished"


@dataclass(frozen=True)
class RunOutcome:
    """A run, as small as the guard needs it: the status, and (file, outcome) for each test in
    the order run, outcome UNFINISHED for a test the run's stop cut off (no result came back)."""

    status: str
    tests: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, result: RunResult) -> "RunOutcome":
        return cls(
            result.status,
            tuple(
                (test.file, UNFINISHED if cut_off_by_stop(test) else test.outcome)
                for test in result.tests
            ),
        )

    @property
    def passed(self) -> bool:
        """As RunResult.passed."""
        return verdict_passes(self.status, [outcome for _file, outcome in self.tests])

    def to_json(self) -> dict[str, object]:
        return {"status": self.status, "tests": [list(test) for test in self.tests]}

    @classmethod
    def from_json(cls, data: object) -> "RunOutcome":
        """The helper process's answer; ValueError when it is not one."""
        if not isinstance(data, dict):
            raise ValueError("a run outcome is an object")
        status, tests = data.get("status"), data.get("tests")
        if not isinstance(status, str) or not isinstance(tests, list):
            raise ValueError("a run outcome has a status and tests")
        pairs = []
        for test in tests:
            if not (
                isinstance(test, list) and len(test) == 2 and all(isinstance(t, str) for t in test)
            ):
                raise ValueError("each test of a run outcome is [file, outcome]")
            pairs.append((test[0], test[1]))
        return cls(status, tuple(pairs))


def shows_a_solution(outcome: RunOutcome, hidden_files: Collection[str], cut_short: bool) -> bool:
    """Whether the run shows its code to be a solution (see the module's docstring).

    cut_short: the run's time limit was the guard's own, shorter than the exercise's.
    """
    if outcome.passed:
        return True
    if not cut_short or outcome.status != "timeout" or not outcome.tests:
        return False
    finished = [(file, result) for file, result in outcome.tests if result != UNFINISHED]
    if any(result != "passed" for _file, result in finished):
        return False
    enough = math.ceil(NEARLY_ALL_TESTS * len(outcome.tests))
    return len(finished) >= enough and any(file in hidden_files for file, _result in finished)
