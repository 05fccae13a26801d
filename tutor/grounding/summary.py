"""The evidence of a Run in words: a compact section for prompts, and a hint written by code.

Input is a stored result as the student may see it (redact_result_for_student applied: hidden
tests carry no evidence; a Submit that fails hidden tests only may carry `hidden_line`, the line
a hidden case reaches, located on the server). Everything in it came from the student's sandbox,
so the text built here is data for the prompt's data tags, never instructions, and every piece
is capped.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from tutor.grounding.localise import SuspiciousLine, failing_call, localise

MAX_FAILURES = 2
MAX_LINES = 3
MAX_TRACE_STEPS = 8
MAX_VALUE_CHARS = 80
MAX_WHY_CHARS = 200
MAX_SECTION_CHARS = 2500


def failing_visible_tests(result: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    hidden_files = set(result.get("hidden_files", []))
    return [
        test
        for test in result.get("tests", [])
        if isinstance(test, Mapping)
        and test.get("outcome") in ("failed", "error")
        and not test.get("hidden")
        and test.get("file") not in hidden_files
    ]


def visible_tests(result: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    hidden_files = set(result.get("hidden_files", []))
    return [
        test
        for test in result.get("tests", [])
        if isinstance(test, Mapping)
        and not test.get("hidden")
        and test.get("file") not in hidden_files
    ]


def evidence_section(
    result: Mapping[str, Any], *, file: str, source: str, reference: str = ""
) -> str:
    """What the code did in its failing visible tests: the call, returned vs expected, the top
    suspicious lines with why, and a few trace steps around the top one. "" without evidence."""
    source_lines = source.splitlines()
    located = localise(
        visible_tests(result), file, source=source, reference=reference, limit=MAX_LINES
    )
    if located.evidence == "syntax":
        return "\n".join(
            f"The file does not compile: line {item.line}: {_code(source_lines, item.line)}  "
            f"({item.why})"
            for item in located.lines
        )
    failing = [test for test in failing_visible_tests(result) if _evidence(test)]
    if not failing:
        line = hidden_line(result, source)
        if line is None:
            return ""
        return (
            "The code passes the visible tests and fails hidden ones (their inputs and "
            f"expected values are secret). A hidden test case reaches line {line}: "
            f"{_code(source_lines, line)}"
        )
    ranking = located.lines
    parts = [_failure_text(test) for test in failing[:MAX_FAILURES]]
    if ranking:
        lines = ["Most suspicious lines (from which lines the failing and passing tests ran):"]
        for item in ranking:
            runs = _times_run(failing[0], file, item.line)
            ran = (
                f"; ran {runs} time{'s' if runs != 1 else ''} in {failing[0].get('name')}"
                if runs
                else ""
            )
            lines.append(f"- line {item.line}: {_code(source_lines, item.line)}  ({item.why}{ran})")
        parts.append("\n".join(lines))
        trace = _trace_text(failing, file, ranking[0].line, source_lines)
        if trace:
            parts.append(trace)
    text = "\n\n".join(parts)
    return text if len(text) <= MAX_SECTION_CHARS else text[: MAX_SECTION_CHARS - 4] + "\n..."


def grounded_hint(
    result: Mapping[str, Any], *, file: str, source: str, reference: str = ""
) -> str | None:
    """A level 2 hint ("where to look") from the evidence alone, every statement in it a fact
    recorded by running the code; None when there is no evidence to ground one on. It names the
    likeliest line and why it is the likeliest."""
    source_lines = source.splitlines()
    located = localise(visible_tests(result), file, source=source, reference=reference, limit=1)
    if located.evidence == "syntax" and located.lines:
        slip = located.lines[0]
        return (
            f"Look at line {slip.line} (`{_code(source_lines, slip.line)}`): {slip.why}. "
            "What did you mean to write there?"
        )
    failing = [test for test in failing_visible_tests(result) if _evidence(test)]
    if not failing:
        return _hidden_hint(result, source_lines, source)
    if not located.lines:
        return None
    top: SuspiciousLine = located.lines[0]
    test = failing[0]
    name = test.get("name")
    call = failing_call(test)
    sentences = [f"Look at line {top.line} (`{_code(source_lines, top.line)}`)."]
    what = _call_text(call) if call else ""
    if test.get("outcome") == "error" and test.get("line") == top.line:
        message = _short(str(test.get("message") or "an error"))
        sentences.append(
            f"In the test {name}, {what or 'your code'} stopped on this line with {message}."
        )
        values = _values_at(test, top.line)
        if values:
            sentences.append(f"Just before, the variables were: {values}.")
        sentences.append("Which of those values is not what you expected there?")
        return " ".join(sentences)
    returned = call.get("returned") if call else test.get("actual")
    expected = test.get("expected")
    if what and returned is not None and expected is not None:
        sentences.append(
            f"In the test {name}, {what} returned {_short(str(returned))} but "
            f"{_short(str(expected))} was expected."
        )
    else:
        sentences.append(f"The test {name} fails.")
    if top.why:
        sentences.append(f"Why this line: {_short(top.why, MAX_WHY_CHARS)}.")
    runs = _times_run(test, file, top.line)
    values = _values_at(test, top.line)
    if runs > 1:
        sentences.append(
            f"In that test this line ran {runs} times: how many times should it run, "
            "and with which values?"
        )
    elif values:
        sentences.append(
            f"When it ran, the variables were {values}: what should this line give for them?"
        )
    else:
        sentences.append("What should this line do for that input?")
    return " ".join(sentences)


def hidden_line(result: Mapping[str, Any], source: str) -> int | None:
    """The line a hidden case reaches (a Submit that fails hidden tests only), if recorded and
    inside the file."""
    line = result.get("hidden_line")
    if (
        isinstance(line, int)
        and not isinstance(line, bool)
        and 0 < line <= len(source.splitlines())
    ):
        return line
    return None


def _hidden_hint(result: Mapping[str, Any], source_lines: Sequence[str], source: str) -> str | None:
    line = hidden_line(result, source)
    if line is None:
        return None
    return (
        f"Your code passes the visible tests, but a hidden test fails. Look at line {line} "
        f"(`{_code(source_lines, line)}`): a hidden test case reaches this line and then fails. "
        "Which inputs reach this line that the visible tests do not try?"
    )


def _evidence(test: Mapping[str, Any]) -> Mapping[str, Any] | None:
    evidence = test.get("evidence")
    return evidence if isinstance(evidence, Mapping) else None


def _short(text: str, chars: int = MAX_VALUE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= chars else text[: chars - 3] + "..."


def _code(source_lines: Sequence[str], line: int) -> str:
    return _short(source_lines[line - 1].strip()) if 0 < line <= len(source_lines) else "?"


def _call_text(call: Mapping[str, Any]) -> str:
    args = call.get("args")
    args = args if isinstance(args, list) else []
    return _short(f"{call.get('function')}({', '.join(str(arg) for arg in args)})")


def _failure_text(test: Mapping[str, Any]) -> str:
    lines = [f"Failing test: {test.get('name')} ({test.get('outcome')})"]
    call = failing_call(test)
    if call is not None:
        lines.append(f"  call: {_call_text(call)}")
        if call.get("raised"):
            lines.append(f"  raised: {_short(str(call['raised']))}")
    if test.get("actual") is not None and test.get("expected") is not None:
        lines.append(f"  returned: {_short(str(test['actual']))}")
        lines.append(f"  expected: {_short(str(test['expected']))}")
    elif test.get("message"):
        lines.append(f"  error: {_short(str(test['message']))}")
    if isinstance(test.get("line"), int) and test.get("outcome") == "error":
        lines.append(f"  the exception came from line {test['line']}")
    evidence = _evidence(test) or {}
    if evidence.get("cut"):
        lines.append("  (a long loop: recording stopped after its first steps)")
    return "\n".join(lines)


def _times_run(test: Mapping[str, Any], file: str, line: int) -> int:
    lines = (_evidence(test) or {}).get("lines")
    pairs = lines.get(file) if isinstance(lines, Mapping) else None
    for pair in pairs if isinstance(pairs, list) else []:
        if isinstance(pair, list | tuple) and len(pair) == 2 and pair[0] == line:
            return int(pair[1]) if isinstance(pair[1], int) else 0
    return 0


def _steps(test: Mapping[str, Any], file: str) -> list[Mapping[str, Any]]:
    steps = (_evidence(test) or {}).get("steps")
    return [
        step
        for step in (steps if isinstance(steps, list) else [])
        if isinstance(step, Mapping)
        and step.get("file") == file
        and isinstance(step.get("line"), int)
    ]


def _locals_text(step: Mapping[str, Any]) -> str:
    variables = step.get("locals")
    if not isinstance(variables, Mapping):
        return ""
    return _short(", ".join(f"{name}={value}" for name, value in list(variables.items())[:5]))


def _values_at(test: Mapping[str, Any], line: int) -> str:
    """The variables the last time the line was about to run ("" when the test has no trace:
    only the first failing tests have one)."""
    for step in reversed(_all_steps(test)):
        if step.get("line") == line and step.get("event") == "line":
            return _locals_text(step)
    return ""


def _all_steps(test: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    steps = (_evidence(test) or {}).get("steps")
    return [
        step for step in (steps if isinstance(steps, list) else []) if isinstance(step, Mapping)
    ]


def _trace_text(
    failing: Sequence[Mapping[str, Any]], file: str, line: int, source_lines: Sequence[str]
) -> str:
    traced = next((test for test in failing if _steps(test, file)), None)
    if traced is None:
        return ""
    steps = _steps(traced, file)
    at_line = [index for index, step in enumerate(steps) if step.get("line") == line]
    chosen: list[int] = []
    for index in at_line:
        for near in (index - 1, index, index + 1):
            if 0 <= near < len(steps) and near not in chosen:
                chosen.append(near)
        if len(chosen) >= MAX_TRACE_STEPS:
            break
    if not chosen:
        chosen = list(range(min(MAX_TRACE_STEPS, len(steps))))
    rows = [f"Trace of {traced.get('name')} (step, line about to run, variables at that moment):"]
    for index in sorted(chosen)[:MAX_TRACE_STEPS]:
        step = steps[index]
        if step.get("event") == "return":
            rows.append(
                f"  step {index + 1}: line {step['line']} returns {_short(str(step.get('value')))}"
            )
        else:
            rows.append(
                f"  step {index + 1}: line {step['line']} `{_code(source_lines, step['line'])}`"
                f"  {_locals_text(step)}".rstrip()
            )
    return "\n".join(rows)
