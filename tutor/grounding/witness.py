"""The reference solution as a second witness: where the student's values part from its values.

The failing visible test's call (function and argument reprs, from the evidence) is replayed on
the exercise's reference solution here, in the trusted process, under a trace that notes every
value its variables take. Walking the student's trace of the same test, the first line after
which one of the student's variables holds a value the reference never holds for that input is
where the two programs part: the likeliest line of the bug when the spectrum cannot tell lines
apart. A variable the reference also has is held to that variable's values; any other to the
values of all of the reference's variables (the names of two programs seldom agree). Only
arguments that read back as Python literals are replayed; nothing of the reference is shown
(the why names the student's own value).
"""

import ast
import sys
from collections.abc import Mapping, Sequence
from types import FrameType
from typing import Any

from tutor.sandbox.languages.labtutor_evidence import LOCAL_REPR_CHARS, short_repr

REFERENCE_FILE = "<reference solution>"
# Line events the reference may run for one replayed call (a slow reference is cut short).
MAX_REFERENCE_EVENTS = 20_000


class _TooLong(Exception):
    pass


def divergence_line(
    test: Mapping[str, Any], call: Mapping[str, Any] | None, file: str, reference: str
) -> tuple[int, str] | None:
    """(line, why) of the first line after which the student's variables hold a value the
    reference solution never holds for the same call; None when it cannot be told."""
    if call is None or not reference.strip():
        return None
    arguments = _arguments(call)
    function = call.get("function")
    if arguments is None or not isinstance(function, str) or not function.isidentifier():
        return None
    values = reference_values(reference, function, *arguments)
    if values is None:
        return None
    return _first_divergence(_student_steps(test, file), values)


def _arguments(call: Mapping[str, Any]) -> tuple[list[object], dict[str, object]] | None:
    args: list[object] = []
    kwargs: dict[str, object] = {}
    raw = call.get("args")
    for text in raw if isinstance(raw, list) else []:
        name, equals, rest = str(text).partition("=")
        try:
            if equals and name.isidentifier() and not rest.startswith("="):
                kwargs[name] = ast.literal_eval(rest)
            else:
                args.append(ast.literal_eval(str(text)))
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return None
    return args, kwargs


ANY_VARIABLE = ""


def reference_values(
    reference: str, function: str, args: list[object], kwargs: dict[str, object]
) -> dict[str, set[str]] | None:
    """Every value (as evidence writes it) each of the reference's variables takes in
    function(*args, **kwargs), and under ANY_VARIABLE those of all of them and what it
    returns; None when it cannot be run that way."""
    try:
        code = compile(reference, REFERENCE_FILE, "exec", dont_inherit=True)
        namespace: dict[str, Any] = {"__name__": "labtutor_reference"}
        exec(code, namespace)  # noqa: S102 (the exercise author's code, not the student's)
    except Exception:
        return None
    target = namespace.get(function)
    if not callable(target) or getattr(target, "__code__", None) is None:
        return None
    values: dict[str, set[str]] = {ANY_VARIABLE: set()}
    events = 0

    def trace(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal events
        if frame.f_code.co_filename != REFERENCE_FILE:
            return None
        events += 1
        if events > MAX_REFERENCE_EVENTS:
            raise _TooLong
        for name, value in frame.f_locals.items():
            text = short_repr(value, LOCAL_REPR_CHARS)
            values.setdefault(name, set()).add(text)
            values[ANY_VARIABLE].add(text)
        if event == "return":
            values[ANY_VARIABLE].add(short_repr(arg, LOCAL_REPR_CHARS))
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        target(*args, **kwargs)
    except _TooLong:
        return None
    except Exception:  # the reference may raise for this input, as the test expects
        values[ANY_VARIABLE].add("<raised>")
    finally:
        sys.settrace(previous)
    return values


def _student_steps(test: Mapping[str, Any], file: str) -> list[Mapping[str, Any]]:
    evidence = test.get("evidence")
    steps = evidence.get("steps") if isinstance(evidence, Mapping) else None
    return [
        step
        for step in (steps if isinstance(steps, list) else [])
        if isinstance(step, Mapping) and step.get("file") == file and step.get("event") == "line"
    ]


def _first_divergence(
    steps: Sequence[Mapping[str, Any]], reference: dict[str, set[str]]
) -> tuple[int, str] | None:
    last: dict[tuple[object, object], tuple[int, Mapping[str, Any]]] = {}
    for step in steps:
        frame = (step.get("function"), step.get("depth"))
        variables = step.get("locals")
        variables = variables if isinstance(variables, Mapping) else {}
        if frame in last:
            line, before = last[frame]
            for name, value in variables.items():
                held_to = reference.get(name, reference[ANY_VARIABLE])
                # A variable's first value is how the student chose to start it ([] or set()):
                # only a change to it can part from what the reference computes.
                if name in before and before[name] != value and value not in held_to:
                    return line, (
                        f"after this line ran, {name} was {value}, a value the reference "
                        "solution never has for this test's input"
                    )
        if isinstance(step.get("line"), int):
            last[frame] = (step["line"], variables)
    return None
