"""Why a test failed, in one word: the exception class, or what stopped the run.

Read from what grading stored for each test (exercises.services.grading): the harness writes the
student's and the tests' frames, then the exception line (`TypeError: ...`); a run the sandbox
stopped (time, memory, output) marks the tests it cut short "stopped: ..." or "not run: ...".
"""

import re
from collections.abc import Mapping
from typing import Any

# The run statuses under which the sandbox, not an exception, ended the tests it cut short.
STOPPED_BY = {
    "timeout": "Timeout",
    "memory_limit": "Memory limit",
    "output_limit": "Output limit",
    "crashed": "Crash",
}
STOPPED_PREFIXES = ("stopped:", "not run:")
# `ValueError: ...`, `json.decoder.JSONDecodeError: ...` or a bare `AssertionError`; exception
# classes are CamelCase, which keeps "assert x == 1" and "adder.py has a ..." out.
EXCEPTION_LINE = re.compile(r"(?:[A-Za-z_]\w*\.)*([A-Z]\w*)(?::\s.*|:)?")
TRACEBACK_HEADER = "Traceback (most recent call last):"
OTHER = "Other error"


def error_type(test: Mapping[str, Any], run_status: str) -> str:
    """The kind of failure of one failing test of a run with status `run_status`."""
    message = _text(test.get("message"))
    if run_status in STOPPED_BY and message.startswith(STOPPED_PREFIXES):
        return STOPPED_BY[run_status]
    if run_status == "compile_error":
        # C, Java and JavaScript (tutor/sandbox/program_runner.py): the code never ran.
        return "Compile error"
    found = _exception_in_traceback(_text(test.get("traceback"))) or _exception_in(
        message.splitlines()[0] if message else ""
    )
    if found:
        return found
    if run_status == "syntax_error":
        return "SyntaxError"
    # The harness reports a test as "failed" only for an AssertionError.
    return "AssertionError" if test.get("outcome") == "failed" else OTHER


def _exception_in_traceback(traceback: str) -> str | None:
    """The first line not indented that names an exception: frames are indented, and a long
    assertion message goes on over more lines after the exception line."""
    for line in traceback.splitlines():
        if not line or line[0].isspace() or line == TRACEBACK_HEADER:
            continue
        found = _exception_in(line)
        if found:
            return found
    return None


def _exception_in(line: str) -> str | None:
    match = EXCEPTION_LINE.fullmatch(line.strip())
    return match.group(1) if match else None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
