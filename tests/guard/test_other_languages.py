"""The run-the-reply check for C, Java and JavaScript exercises: a reply whose code block is a
whole program passing the exercise's input/output cases is a full solution (the similarity
checks read Python only)."""

from collections.abc import Callable
from pathlib import Path

import pytest

from exercises.loader import load_exercise
from tests.guard.conftest import CountingRunner
from tutor.guard import GuardContext, check_reply

CURRICULUM = Path(__file__).resolve().parents[2] / "exercises" / "curriculum"


def context_of(folder: str, slug: str) -> GuardContext:
    spec = load_exercise(CURRICULUM / folder / slug)
    return GuardContext(
        solution_code=spec.solution_code,
        hidden_tests=[(test.filename, test.code) for test in spec.hidden_tests],
        visible_tests=[(test.filename, test.code) for test in spec.visible_tests],
        student_code=spec.starter_code,
        starter_code=spec.starter_code,
        statement=spec.statement_md,
        module_name=spec.module,
        language=spec.language,
    )


# A different program than the reference (reads all numbers, skips the count), still right.
C_SOLUTION = """\
#include <stdio.h>
int main(void) {
    long long n, total = 0, count;
    scanf("%lld", &count);
    while (count-- > 0 && scanf("%lld", &n) == 1) total += n;
    printf("%lld\\n", total);
    return 0;
}
"""
JS_EXAMPLE = "console.log([1, 2, 3].reduce((a, b) => a + b, 0));\n"


@pytest.mark.parametrize(
    ("reply", "verdict"),
    [
        (f"Try this:\n\n```c\n{C_SOLUTION}```\n", "block"),
        # A whole program, but not a solution: it fails the cases, so it stays.
        (f"An example of a loop:\n\n```c\n{C_SOLUTION.replace('+=', '-=')}```\n", "allow"),
    ],
)
def test_a_c_reply_that_passes_the_cases_is_blocked(
    runner_for: Callable[[GuardContext], CountingRunner], reply: str, verdict: str
) -> None:
    context = context_of("20-c", "c-sum-of-numbers")
    runner = runner_for(context)
    result = check_reply(reply, context, run_code=runner)
    assert result.verdict == verdict, result.reason
    assert runner.runs >= 1  # through the real sandbox


def test_a_javascript_example_on_other_data_is_allowed(
    runner_for: Callable[[GuardContext], CountingRunner],
) -> None:
    context = context_of("40-javascript", "js-sum-of-numbers")
    runner = runner_for(context)
    result = check_reply(f"```js\n{JS_EXAMPLE}```\n", context, run_code=runner)
    assert result.verdict == "allow", result.reason
    assert runner.runs == 1  # it ran, and failed the cases


def test_a_renamed_copy_of_a_java_solution_is_caught_by_similarity_alone() -> None:
    """Pygments' Java lexer: renamed variables and a changed message still match."""
    context = context_of("30-java", "java-prime-check")
    renamed = (
        context.solution_code.replace("isPrime", "check")
        .replace("in.", "scanner.")
        .replace("Scanner in", "Scanner scanner")
        .replace("long d", "long k")
        .replace("d * d", "k * k")
        .replace("n % d", "n % k")
        .replace("d++", "k++")
    )
    assert renamed != context.solution_code

    result = check_reply(f"Here you go:\n\n```java\n{renamed}```\n", context)

    assert result.verdict == "block", result.reason
    assert [finding.kind for finding in result.findings] == ["similar_code"]


def test_a_c_snippet_on_other_data_is_allowed_by_similarity() -> None:
    context = context_of("20-c", "c-prime-check")
    snippet = 'for (int i = 0; i < 3; i++) {\n    printf("%d\\n", i);\n}\n'
    assert check_reply(f"A loop looks like this:\n\n```c\n{snippet}```\n", context).verdict == (
        "allow"
    )


def test_an_io_case_files_names_are_public_and_its_expected_output_is_not() -> None:
    hidden = (
        '[[case]]\nname = "all negative numbers"\nstdin = "-7 -3 -12\\n"\n'
        'stdout = "Largest: minus three thousand\\n"\n'
    )
    context = GuardContext(
        solution_code="",
        hidden_tests=[("test_hidden.toml", hidden)],
        visible_tests=[],
        student_code="",
        starter_code="",
        statement="Print the largest number.",
        module_name="solution",
        language="javascript",
    )

    named = check_reply("Think about input with all negative numbers in it.", context)
    leaked = check_reply("It should print largest: Minus three-thousand.", context)

    assert named.verdict == "allow", named.reason
    assert leaked.verdict != "allow"
