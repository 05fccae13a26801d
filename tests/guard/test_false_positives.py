"""What the curriculum itself says to students must pass the guard untouched."""

from collections.abc import Callable

import pytest

from tests.guard.conftest import CountingRunner, context_for, exercises
from tests.guard.test_streaming import random_chunks, stream
from tutor.guard import GuardContext, check_reply

CURRICULUM = sorted(slug for slug in exercises() if slug != "add-two")


@pytest.mark.parametrize("slug", CURRICULUM)
def test_every_authored_hint_is_allowed(
    slug: str, runner_for: Callable[[GuardContext], CountingRunner]
) -> None:
    spec = exercises()[slug]
    context = context_for(spec)
    runner = runner_for(context)

    for hint in spec.hints:
        verdict = check_reply(hint, context, run_code=runner)
        assert verdict.verdict == "allow", (hint, verdict.reason)
        assert verdict.redacted_text == hint
        released, final = stream(random_chunks(hint, seed=len(hint)), context, runner)
        assert "".join(released) + final.rest == hint


@pytest.mark.parametrize("slug", CURRICULUM)
def test_quoting_the_starter_code_is_allowed(slug: str) -> None:
    spec = exercises()[slug]
    reply = f"Your file starts like this:\n\n```python\n{spec.starter_code}```\n\nWhere next?"

    assert check_reply(reply, context_for(spec)).verdict == "allow"


def test_the_curriculum_has_hints_to_check() -> None:
    assert len(CURRICULUM) >= 30
    assert all(len(exercises()[slug].hints) >= 2 for slug in CURRICULUM)
