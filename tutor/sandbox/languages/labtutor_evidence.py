"""What the student's code did during each test: the evidence behind grounded hints.

Runs in the student's sandbox (python_agent.py imports it only for a Run with evidence on), so
everything it records is untrusted data: the host parses it with caps and it never decides a
verdict. Per test it keeps the calls the tests made (function, argument reprs, the returned
value's repr or the exception, the last line run before returning), how often each line of the
student's files ran, and, until the tests' side has the traces it wants (the first failing
tests'), a trace of line steps with the local variables' short reprs. Every part is bounded: a
loop of a million iterations stops the recording after MAX_EVENTS line events and leaves a
count, not a million steps.

Short reprs are built here for exact builtin types only: no student __repr__ ever runs for
evidence (it could loop, raise or change the program's behaviour). Standard library only.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import CodeType, FrameType
    from typing import Any

# Line events recorded per test and per run; past them recording stops (the test is "cut").
MAX_EVENTS = 20_000
MAX_RUN_EVENTS = 100_000
MAX_STEPS = 200
MAX_CALLS = 8
MAX_LOCALS = 8
REPR_CHARS = 60
LOCAL_REPR_CHARS = 40
CONTAINER_ITEMS = 6


def short_repr(value: object, chars: int = REPR_CHARS, depth: int = 2) -> str:
    """A bounded repr that runs no code of the student's: builtin types only, by exact type."""
    kind = type(value)
    if value is None or kind is bool or kind is float:
        text = repr(value)
    elif kind is int:
        text = repr(value) if value.bit_length() < 128 else f"<int of {value.bit_length()} bits>"  # type: ignore[attr-defined]
    elif kind is str:
        text = repr(value[: chars + 1])  # type: ignore[index]
    elif kind in (list, tuple, set, frozenset, dict):
        text = _container_repr(value, kind, chars, depth)
    elif kind in (bytes, bytearray):
        text = repr(bytes(value[: chars + 1]))  # type: ignore[index]
    else:
        text = f"<{getattr(kind, '__name__', 'object')} object>"
    return text if len(text) <= chars else text[: chars - 3] + "..."


def _container_repr(value: Any, kind: type, chars: int, depth: int) -> str:
    if depth <= 0:
        return f"<{kind.__name__} of {len(value)}>"
    if kind is dict:
        items = [
            f"{short_repr(key, 20, 0)}: {short_repr(item, 20, depth - 1)}"
            for key, item in _first(value.items(), CONTAINER_ITEMS)
        ]
    else:
        items = [short_repr(item, 20, depth - 1) for item in _first(value, CONTAINER_ITEMS)]
    if len(value) > CONTAINER_ITEMS:
        items.append(f"... {len(value)} items")
    body = ", ".join(items)
    if kind is list:
        return f"[{body}]"
    if kind is tuple:
        return f"({body}{',' if len(value) == 1 else ''})"
    if kind is dict:
        return "{" + body + "}"
    if not value:
        return f"{kind.__name__}()"
    return "{" + body + "}" if kind is set else f"frozenset({{{body}}})"


def _first(items: Any, count: int) -> list[Any]:
    taken: list[Any] = []
    for item in items:
        if len(taken) == count:
            break
        taken.append(item)
    return taken


class Recorder:
    """Records through sys.settrace while the agent answers a request (see Agent.answer)."""

    def __init__(self, work_dir: str, student_files: list[str]) -> None:
        self.prefix = work_dir.rstrip("/") + "/"
        self.paths = {self.prefix + name for name in student_files}
        self.student_code: dict[CodeType, bool] = {}
        self.run_events = 0
        # Steps are recorded until the tests' side has kept the traces it wants.
        self.tracing = True
        self.nesting = 0
        # Called with the test's record so far when recording stops at its cap: a loop that
        # never ends is then stopped by the time limit, and this is all that is left of it.
        self.on_cut: Callable[[dict[str, object]], None] | None = None
        self.reset()

    def reset(self) -> None:
        self.counts: dict[tuple[str, int], int] = {}
        self.events = 0
        self.cut = False
        self.steps: list[dict[str, object]] = []
        self.steps_cut = False
        self.calls: list[dict[str, object]] = []
        self.calls_total = 0
        self.depth = 0
        self.return_line: int | None = None

    # Turned on around each request that may run the student's code (nested requests too)

    def start(self) -> None:
        self.nesting += 1
        if self.nesting == 1 and not self.cut and self.run_events < MAX_RUN_EVENTS:
            sys.settrace(self.on_call)

    def stop(self) -> None:
        self.nesting -= 1
        if self.nesting == 0:
            sys.settrace(None)

    # Calls the tests made

    def begin_call(self, target: object, args: list[object], kwargs: dict[str, object]) -> int:
        self.calls_total += 1
        self.depth = 0
        self.return_line = None
        if len(self.calls) >= MAX_CALLS:
            return -1
        name = getattr(target, "__qualname__", None) or getattr(type(target), "__name__", "?")
        shown = [short_repr(arg) for arg in args[:CONTAINER_ITEMS]]
        shown += [f"{key}={short_repr(value)}" for key, value in list(kwargs.items())[:4]]
        self.calls.append({"function": str(name)[:80], "args": shown})
        return len(self.calls) - 1

    def end_call(
        self, index: int, value: object = None, error: BaseException | None = None
    ) -> None:
        if index < 0:
            return
        call = self.calls[index]
        if error is None:
            call["returned"] = short_repr(value)
        else:
            call["raised"] = f"{type(error).__name__}: {str(error)[:REPR_CHARS]}"
        if self.return_line is not None:
            call["return_line"] = self.return_line

    # The trace functions

    def on_call(self, frame: FrameType, event: str, arg: object) -> Any:
        code = frame.f_code
        student = self.student_code.get(code)
        if student is None:
            student = self.student_code[code] = code.co_filename in self.paths
        if not student or self.cut:
            return None
        self.depth += 1
        return self.on_event

    def on_event(self, frame: FrameType, event: str, arg: object) -> Any:
        if event == "line":
            self.events += 1
            self.run_events += 1
            if self.events > MAX_EVENTS or self.run_events > MAX_RUN_EVENTS:
                self.cut = True
                sys.settrace(None)
                if self.on_cut is not None:
                    self.on_cut(self.record(keep_trace=True))
                return None
            key = (frame.f_code.co_filename, frame.f_lineno)
            self.counts[key] = self.counts.get(key, 0) + 1
        elif event == "return":
            self.depth -= 1
            if self.depth == 0:
                self.return_line = frame.f_lineno
        if self.tracing and not self.steps_cut:
            self.step(frame, event, arg)
        return self.on_event

    def step(self, frame: FrameType, event: str, arg: object) -> None:
        if len(self.steps) >= MAX_STEPS:
            self.steps_cut = True
            return
        step: dict[str, object] = {
            "file": frame.f_code.co_filename[len(self.prefix) :],
            "line": frame.f_lineno,
            "event": event,
            "function": frame.f_code.co_name,
            "depth": self.depth,
        }
        variables = frame.f_locals  # a fresh snapshot on each access in 3.11: take it once
        names = [name for name in variables if not name.startswith("__")]
        step["locals"] = {
            str(name): short_repr(variables[name], LOCAL_REPR_CHARS) for name in names[:MAX_LOCALS]
        }
        if event == "return":
            step["value"] = short_repr(arg)
        elif event == "exception" and isinstance(arg, tuple) and arg:
            step["value"] = getattr(arg[0], "__name__", "exception")
        self.steps.append(step)

    # What the tests' side asks for at the end of each test

    def take(self, keep_trace: bool, trace_more: bool = False) -> dict[str, object]:
        """This test's record, and a fresh one for the next; keep_trace: with its steps.
        trace_more: go on recording steps for the next tests (the tests' side says how many
        failing tests get a trace)."""
        evidence = self.record(keep_trace)
        self.tracing = self.tracing and trace_more
        self.reset()
        return evidence

    def record(self, keep_trace: bool) -> dict[str, object]:
        """This test's record so far."""
        lines: dict[str, list[list[int]]] = {}
        for (path, line), count in sorted(self.counts.items()):
            lines.setdefault(path[len(self.prefix) :], []).append([line, count])
        # Capped here too, so that an honest record never nears the channel's message cap.
        evidence: dict[str, object] = {
            "calls": self.calls[:MAX_CALLS],
            "calls_total": self.calls_total,
            "lines": lines,
            "events": self.events,
            "cut": self.cut,
        }
        if keep_trace and self.tracing:
            evidence["steps"] = self.steps[:MAX_STEPS]
            evidence["steps_cut"] = self.steps_cut
        return evidence
