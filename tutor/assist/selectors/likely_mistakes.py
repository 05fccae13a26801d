"""An exercise's likely mistakes: single-line mutants of its reference that fail a visible test.

Each is run against the visible tests in the sandbox, as a student's Run would be, and keyed by
its failure's signature: what answers are written ahead for (services/answers_ahead.py), and
what bench/loadtest.py --hint-burst gives its students to make.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from exercises.models import Exercise
from exercises.services.grading import run_exercise_tests
from exercises.services.results import StoredResult
from tutor.assist.selectors.shared_answers import Failure, failure_of_result
from tutor.grounding.mutants import Mutant, mutants

MUTANTS_PER_KIND = 2


@dataclass(frozen=True)
class LikelyMistake:
    mutant: Mutant
    failure: Failure
    result: StoredResult


def likely_mistakes(exercise: Exercise) -> Iterator[LikelyMistake]:
    """The reference's mutants that fail a visible test, one per signature."""
    seen: set[str] = set()
    for mutant in mutants(exercise.solution_code, per_kind=MUTANTS_PER_KIND):
        result = run_exercise_tests(exercise, mutant.source, include_hidden=False)
        failure = failure_of_result(exercise, code=mutant.source, result=result)
        if failure is None or failure.key in seen:
            continue
        seen.add(failure.key)
        yield LikelyMistake(mutant, failure, result)
