"""Crafted replies, whole: each gets the right verdict, and redacted text leaks nothing."""

from collections.abc import Callable

import pytest

from tests.guard.cases import CASES, Case
from tests.guard.conftest import CountingRunner, context_for, exercises
from tutor.guard import GuardContext, GuardSettings, Verdict, check_reply


def judge(case: Case, runner_for: Callable[[GuardContext], CountingRunner]) -> Verdict:
    context = context_for(exercises()[case.slug], case.student_code)
    return check_reply(case.reply, context, run_code=runner_for(context))


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_crafted_reply_gets_the_right_verdict(
    case: Case, runner_for: Callable[[GuardContext], CountingRunner]
) -> None:
    verdict = judge(case, runner_for)

    assert verdict.verdict == case.verdict, verdict.reason
    assert verdict.reason
    for secret in case.secrets:
        assert secret not in verdict.redacted_text


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.needs_sandbox], ids=[c.id for c in CASES if c.needs_sandbox]
)
def test_a_different_algorithm_is_caught_by_the_sandbox_not_by_similarity(case: Case) -> None:
    context = context_for(exercises()[case.slug], case.student_code)

    assert check_reply(case.reply, context).verdict == "allow"


def test_a_block_replaces_the_whole_reply_with_the_safe_message(
    runner_for: Callable[[GuardContext], CountingRunner],
) -> None:
    case = next(c for c in CASES if c.id == "run-length/markdown")

    verdict = judge(case, runner_for)

    assert verdict.redacted_text.startswith("I started to write out the solution")
    assert [f.kind for f in verdict.findings] == ["similar_code"]
    assert verdict.findings[0].score == 1.0


def test_a_redacted_code_block_is_replaced_by_a_placeholder_and_the_prose_stays(
    runner_for: Callable[[GuardContext], CountingRunner],
) -> None:
    case = next(c for c in CASES if c.id == "run-length/one-function")

    verdict = judge(case, runner_for)

    assert verdict.redacted_text == (
        "Here is compress; expand is up to you:\n\n"
        "[code hidden: it is too close to the solution — try writing it yourself]\n"
    )


def test_a_hidden_value_is_replaced_where_it_appears(
    runner_for: Callable[[GuardContext], CountingRunner],
) -> None:
    case = next(c for c in CASES if c.id == "add-two/hidden-value")

    verdict = judge(case, runner_for)

    assert verdict.redacted_text == (
        "The hidden test adds [hidden test value] and 1, so it expects [hidden test value]. "
        "Make sure big numbers work."
    )
    assert "4142 from test_hidden.py" in verdict.reason


def test_only_code_that_defines_what_the_tests_import_is_run_in_the_sandbox(
    runner_for: Callable[[GuardContext], CountingRunner],
) -> None:
    context = context_for(exercises()["add-two"], "def add(a, b):\n    return a * b\n")
    runner = runner_for(context)
    reply = (
        "```python\nprint(add(2, 3))\n```\n\n"
        "```python\ndef greet(name):\n    return 'Hi ' + name\n```\n"
    )

    assert check_reply(reply, context, run_code=runner).verdict == "allow"
    assert runner.runs == 0


def test_the_missing_function_written_for_the_student_is_caught_with_their_code(
    runner_for: Callable[[GuardContext], CountingRunner],
) -> None:
    spec = exercises()["run-length"]
    student = spec.solution_code.split("def expand")[0] + (
        "def expand(code: str) -> str:\n    raise NotImplementedError\n"
    )
    context = context_for(spec, student)
    reply = (
        "```python\n"
        "import re\n\n"
        "def expand(code):\n"
        '    if code and not re.fullmatch(r"(\\D\\d+)+", code):\n'
        '        raise ValueError("invalid code")\n'
        '    return "".join(c * int(n) for c, n in re.findall(r"(\\D)(\\d+)", code))\n'
        "```\n"
    )

    verdict = check_reply(reply, context, run_code=runner_for(context))

    assert verdict.verdict == "block"
    assert "added to the student's code" in verdict.reason


def test_the_verdict_has_a_json_friendly_form() -> None:
    context = context_for(exercises()["add-two"])

    data = check_reply("Use 4142.", context).to_dict()

    assert data["verdict"] == "redact"
    assert data["findings"] == [
        {
            "kind": "hidden_value",
            "severity": "redact",
            "message": "mentions hidden test value 4142 from test_hidden.py",
            "start": 4,
            "end": 8,
            "score": None,
        }
    ]


def test_thresholds_are_settings() -> None:
    case = next(c for c in CASES if c.id == "run-length/small-snippet")
    context = context_for(exercises()[case.slug])

    strict = GuardSettings(similarity_redact=0.1, min_code_tokens=5)

    assert check_reply(case.reply, context, strict).verdict == "redact"
    with pytest.raises(ValueError, match="similarity_redact"):
        GuardSettings(similarity_block=0.4, similarity_redact=0.5)


def test_a_different_solution_split_over_two_blocks_is_run_together(
    runner_for: Callable[[GuardContext], CountingRunner],
) -> None:
    context = context_for(exercises()["run-length"])
    reply = (
        "```python\n"
        "from itertools import groupby\n\n"
        "def compress(text):\n"
        '    return "".join(ch + str(len(list(group))) for ch, group in groupby(text))\n'
        "```\n\nAnd the other one:\n\n```python\n"
        "import re\n\n"
        "def expand(code):\n"
        '    if code and not re.fullmatch(r"(\\D\\d+)+", code):\n'
        '        raise ValueError("invalid code")\n'
        '    return "".join(c * int(n) for c, n in re.findall(r"(\\D)(\\d+)", code))\n'
        "```\n"
    )

    verdict = check_reply(reply, context, run_code=runner_for(context))

    assert verdict.verdict == "block"
    assert verdict.reason == (
        "code block 2 passes the exercise's tests together with the reply's earlier code"
    )
