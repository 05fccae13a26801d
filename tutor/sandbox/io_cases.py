"""Input/output test cases: what goes into the program (stdin, arguments) and what must come out.

The host reads the cases and compares the output; only a case's stdin and arguments ever enter the
sandbox, so a hidden case's expected output can't leak to, or be forged by, the student's program.
The file format is documented in docs/exercise-format.md.
"""

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass

from tutor.sandbox.models import SourceFile

IO_CASES_SUFFIX = ".toml"
# stdin goes through a pipe that must take it whole before the program reads (supervisor.py).
MAX_STDIN_BYTES = 60 * 1024
MAX_ARGS = 64
CASE_KEYS = {"name", "stdin", "args", "stdout", "exit_code", "float_tolerance"}


@dataclass(frozen=True)
class IoCase:
    name: str
    stdin: str
    args: tuple[str, ...]
    stdout: str
    exit_code: int | None = 0
    # None: exact comparison; else numbers may differ by this much (absolute or relative).
    float_tolerance: float | None = None


@dataclass(frozen=True)
class Comparison:
    passed: bool
    message: str


def is_io_case_file(file: SourceFile) -> bool:
    return file.name.endswith(IO_CASES_SUFFIX)


def parse_cases(file: SourceFile) -> list[IoCase]:
    """The cases of one file, in written order; ValueError names the problem and the case."""
    try:
        data = tomllib.loads(file.content)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{file.name} is not valid TOML: {error}") from None
    unknown = set(data) - {"case"}
    if unknown:
        raise ValueError(f"{file.name}: unknown top-level keys {sorted(unknown)} (use [[case]])")
    raw_cases = data.get("case", [])
    if not isinstance(raw_cases, list) or not raw_cases:
        raise ValueError(f"{file.name} holds no [[case]] tables")
    cases = [_case(file.name, number, raw) for number, raw in enumerate(raw_cases, start=1)]
    names = [case.name for case in cases]
    if len(set(names)) != len(names):
        raise ValueError(f"{file.name}: case names must be unique")
    return cases


def _case(file_name: str, number: int, raw: object) -> IoCase:
    where = f"{file_name}, case {number}"
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: must be a table")
    unknown = set(raw) - CASE_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    name = raw.get("name", f"case {number}")
    stdin = raw.get("stdin", "")
    args = raw.get("args", [])
    stdout = raw.get("stdout")
    exit_code = raw.get("exit_code", 0)
    tolerance = raw.get("float_tolerance")
    if not isinstance(name, str) or not name.strip() or "\n" in name:
        raise ValueError(f"{where}: 'name' must be a one-line string")
    if not isinstance(stdin, str) or len(stdin.encode()) > MAX_STDIN_BYTES:
        raise ValueError(f"{where}: 'stdin' must be a string of at most {MAX_STDIN_BYTES} bytes")
    if (
        not isinstance(args, list)
        or len(args) > MAX_ARGS
        or not all(isinstance(arg, str) and "\x00" not in arg for arg in args)
    ):
        raise ValueError(f"{where}: 'args' must be a list of at most {MAX_ARGS} strings")
    if not isinstance(stdout, str):
        raise ValueError(f"{where}: 'stdout' (the expected output) is required, as a string")
    if exit_code is not None and (isinstance(exit_code, bool) or not isinstance(exit_code, int)):
        raise ValueError(f"{where}: 'exit_code' must be a whole number")
    if tolerance is not None and (
        isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance < 0
    ):
        raise ValueError(f"{where}: 'float_tolerance' must be a number >= 0")
    return IoCase(
        name=name.strip(),
        stdin=stdin,
        args=tuple(args),
        stdout=stdout,
        exit_code=exit_code,
        float_tolerance=None if tolerance is None else float(tolerance),
    )


def normalized_lines(text: str) -> list[str]:
    """Lines with trailing whitespace cut, and trailing empty lines dropped."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def compare(case: IoCase, stdout: str, exit_code: int | None) -> Comparison:
    """Exact after trimming trailing whitespace per line (and trailing blank lines); with a
    float tolerance, tokens that both parse as numbers may differ by that much."""
    expected, actual = normalized_lines(case.stdout), normalized_lines(stdout)
    if not _same_lines(expected, actual, case.float_tolerance):
        return Comparison(False, _first_difference(expected, actual))
    if case.exit_code is not None and exit_code != case.exit_code:
        return Comparison(
            False,
            f"the output is right, but the program exited with code {exit_code}, "
            f"not {case.exit_code}",
        )
    return Comparison(True, "")


def _same_lines(expected: Sequence[str], actual: Sequence[str], tolerance: float | None) -> bool:
    if tolerance is None:
        return list(expected) == list(actual)
    if len(expected) != len(actual):
        return False
    return all(_same_tokens(e, a, tolerance) for e, a in zip(expected, actual, strict=True))


def _same_tokens(expected: str, actual: str, tolerance: float) -> bool:
    want, got = expected.split(), actual.split()
    if len(want) != len(got):
        return False
    for w, g in zip(want, got, strict=True):
        if w == g:
            continue
        try:
            wf, gf = float(w), float(g)
        except ValueError:
            return False
        if not math.isclose(wf, gf, rel_tol=tolerance, abs_tol=tolerance):
            return False
    return True


def _first_difference(expected: list[str], actual: list[str]) -> str:
    for number, (want, got) in enumerate(zip(expected, actual, strict=False), start=1):
        if want != got:
            return f"line {number} of the output differs: expected {want!r}, got {got!r}"
    if len(actual) < len(expected):
        return f"the output stops after {len(actual)} line(s); {len(expected)} were expected"
    return f"the output has {len(actual)} line(s); only {len(expected)} were expected"
