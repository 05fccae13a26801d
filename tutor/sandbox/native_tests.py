"""Native unit tests' own output, read on the host: Unity's lines (C), node:test's TAP and
Jest's JSON report (JavaScript) and the JUnit 5 console launcher's tree (Java). The tests run
inside the student's process, which can print any of this: a verdict read from here can be
forged, so exercises graded this way are marked in_process.

Test names come from the host's reading of the test files, never from the output.
"""

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from tutor.languages import get_language
from tutor.sandbox.models import Outcome, SourceFile

NativeFormat = Literal["unity", "tap", "junit", "jest"]
# Unity's per-test lines: "file.c:12:test_name:PASS", ":FAIL: message", ":IGNORE".
UNITY_LINE = re.compile(
    r"^(?:.*/)?(?P<file>[\w.+-]+):(?P<line>\d+):(?P<name>\w+):(?P<verdict>PASS|FAIL|IGNORE)"
    r"(?::\s?(?P<message>.*))?$"
)
UNITY_RUN_TEST = re.compile(r"^\s*RUN_TEST\(\s*(\w+)\s*\)", re.MULTILINE)
UNITY_OUTCOMES: dict[str, Outcome] = {"PASS": "passed", "FAIL": "failed", "IGNORE": "skipped"}
# node:test, top-level tests only: test("name", ...) / it("name", ...) at the start of a line.
NODE_TEST_CALL = re.compile(
    r"""^(?:test|it)(?:\.(?P<modifier>skip|todo|only))?\(\s*(?P<quote>["'`])(?P<name>.+?)(?P=quote)""",
    re.MULTILINE,
)
# JUnit 5: methods annotated @Test (other annotations may sit between: a @DisplayName names the
# test), and the console launcher's tree lines "├─ addsSmallNumbers() ✘ expected: <3> but was:
# <-1>" (a display name stands without the parentheses).
JUNIT_TEST_METHOD = re.compile(
    r"@Test\b\s*(?P<annotations>(?:@\w+(?:\((?:\"(?:\\.|[^\"\\])*\"|[^)\"])*\))?\s*)*)"
    r"(?:(?:public|protected|private|static|final)\s+)*void\s+(?P<method>\w+)\s*\("
)
JUNIT_DISPLAY_NAME = re.compile(r'@DisplayName\(\s*"(?P<name>(?:\\.|[^"\\])*)"\s*\)')
JUNIT_TREE_LINE = re.compile(
    r"^[│├└─ \t]*[├└]─ (?P<name>.+?)(?:\(\))? (?P<mark>[✔✘↷■])(?: (?P<message>.*))?$"
)
JUNIT_FAILURE_HEADER = re.compile(r"^  JUnit Jupiter:[\w$]+:(?P<name>.+?)(?:\(\))?$")
JUNIT_OUTCOMES: dict[str, Outcome] = {"✔": "passed", "✘": "failed", "↷": "skipped", "■": "error"}
# Jest (Exercism's JavaScript track): describe/test/it blocks, their titles string literals.
JEST_BLOCK = re.compile(
    r"""\b(?P<kind>describe|test|it|xtest|xit|xdescribe)(?:\.(?:only|skip))?\(\s*"""
    r"""(?P<quote>["'`])(?P<title>(?:\\.|(?!(?P=quote)).)*)(?P=quote)"""
)
# Strings, template literals and comments, blanked out before counting braces.
JS_NOT_CODE = re.compile(
    r"""//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`""",
    re.DOTALL,
)
JEST_OUTCOMES: dict[str, Outcome] = {
    "passed": "passed",
    "failed": "failed",
    "pending": "skipped",
    "skipped": "skipped",
    "todo": "skipped",
    "disabled": "skipped",
}
TAP_RESULT = re.compile(r"^(?P<not>not )?ok \d+ - (?P<name>.*?)(?: # (?P<directive>SKIP|TODO).*)?$")
TAP_LOCATION = re.compile(r"location: '.*?:(?P<line>\d+):\d+'")
MAX_MESSAGE_CHARS = 2000


@dataclass(frozen=True)
class NativeVerdict:
    outcome: Outcome
    message: str
    line: int | None


def native_tests(
    native_format: NativeFormat, test_files: Sequence[SourceFile]
) -> list[tuple[str, str]]:
    tests = []
    for file in test_files:
        if native_format == "unity":
            names = UNITY_RUN_TEST.findall(file.content)
        elif native_format == "junit":
            names = [junit_test_name(found) for found in JUNIT_TEST_METHOD.finditer(file.content)]
        elif native_format == "jest":
            names = list(jest_test_names(file.content))
        else:
            names = [match["name"] for match in NODE_TEST_CALL.finditer(file.content)]
        tests += [(file.name, name) for name in dict.fromkeys(names)]
    return tests


def native_verdicts(
    native_format: NativeFormat, output: str, *, student_file: str = ""
) -> dict[str, NativeVerdict]:
    """Test name -> the first verdict printed for it. A failure in the student's file names its
    line there (Jest, JUnit: from the stack trace, read as the language's descriptor says)."""
    if native_format == "unity":
        return _unity(output)
    if native_format == "jest":
        return _jest(output, student_file)
    if native_format == "junit":
        return _junit(output, student_file)
    return _tap(output)


def shown_output(native_format: NativeFormat, stdout: bytes) -> bytes:
    """What the student sees as the program's output: Jest's stdout is its JSON report, read
    here and no use to a reader (its readable report and console.log go to stderr)."""
    return b"" if native_format == "jest" else stdout


def student_line(trace: str, frame: re.Pattern[str] | None, student_file: str) -> int | None:
    """The innermost stack frame in the student's file: where the error happened in their code."""
    if frame is None or not student_file:
        return None
    for found in frame.finditer(trace):
        if found["file"] == student_file:
            return int(found["line"])
    return None


def jest_test_names(source: str) -> Iterator[str]:
    """Each test's full name as Jest reports it: its describe blocks' titles, then its own."""
    depths = _brace_depths(source)
    open_blocks: list[tuple[int, str]] = []  # (the depth the describe was written at, title)
    for found in JEST_BLOCK.finditer(source):
        depth = depths[found.start()]
        while open_blocks and open_blocks[-1][0] >= depth:
            open_blocks.pop()
        title = found["title"]
        if found["kind"].endswith("describe"):
            open_blocks.append((depth, title))
        else:
            yield " ".join([*(block for _depth, block in open_blocks), title])


def _brace_depths(source: str) -> list[int]:
    """How many braces are open before each character, strings and comments left out."""
    code = JS_NOT_CODE.sub(lambda found: " " * len(found[0]), source)
    depths = []
    depth = 0
    for char in code:
        depths.append(depth)
        depth += (char == "{") - (char == "}")
    depths.append(depth)
    return depths


def _without_stack(message: str) -> str:
    """A failure's message without the stack frames (the test's line is reported apart)."""
    lines = message.splitlines()
    kept = [line for line in lines if not line.lstrip().startswith("at ")]
    return "\n".join(kept).strip()


def _jest(output: str, student_file: str) -> dict[str, NativeVerdict]:
    """Jest's --json report: the last line of the output that parses as its object."""
    report = None
    for line in reversed(output.splitlines()):
        if line.startswith("{"):
            try:
                report = json.loads(line)
            except ValueError:
                continue
            break
    verdicts: dict[str, NativeVerdict] = {}
    if not isinstance(report, dict):
        return verdicts
    frame = get_language("javascript").errors.stack_frame
    for suite in report.get("testResults") or []:
        for test in suite.get("assertionResults") or [] if isinstance(suite, dict) else []:
            name = test.get("fullName") if isinstance(test, dict) else None
            outcome = JEST_OUTCOMES.get(str(test.get("status"))) if name else None
            if not isinstance(name, str) or outcome is None or name in verdicts:
                continue
            messages = test.get("failureMessages") or []
            message = "\n".join(_without_stack(str(text)) for text in messages)
            trace = "\n".join(str(text) for text in messages)
            verdicts[name] = NativeVerdict(
                outcome, message[:MAX_MESSAGE_CHARS], student_line(trace, frame, student_file)
            )
    return verdicts


def junit_test_name(found: re.Match[str]) -> str:
    """The name the launcher's tree shows: the @DisplayName's text, else the method's name."""
    display = JUNIT_DISPLAY_NAME.search(found["annotations"])
    return display["name"].replace('\\"', '"') if display is not None else found["method"]


def _junit(output: str, student_file: str) -> dict[str, NativeVerdict]:
    """The tree's test lines; a failure's message goes on over the lines below it (AssertJ's
    "expected ... but was" spans several) up to the next line of the tree."""
    verdicts: dict[str, NativeVerdict] = {}
    lines = output.splitlines()
    for index, line in enumerate(lines):
        found = JUNIT_TREE_LINE.match(line)
        if found is None or found["name"] in verdicts:
            continue
        outcome = JUNIT_OUTCOMES[found["mark"]]
        message = ""
        if outcome != "passed":
            following = []
            for later in lines[index + 1 : index + 40]:
                if JUNIT_TREE_LINE.match(later) or not later.strip(" │"):
                    break
                following.append(later.strip(" │\t"))
            message = "\n".join([(found["message"] or "").strip(), *following]).strip()
        verdicts[found["name"]] = NativeVerdict(outcome, message[:MAX_MESSAGE_CHARS], None)
    traces = _junit_failure_traces(output)
    frame = get_language("java").errors.stack_frame
    return {
        name: replace(verdict, line=student_line(traces.get(name, ""), frame, student_file))
        for name, verdict in verdicts.items()
    }


def _junit_failure_traces(output: str) -> dict[str, str]:
    """The launcher's "Failures" section: each failed test's header ("JUnit Jupiter:BobTest:
    name"), then its exception and stack frames, indented."""
    traces: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in output.splitlines():
        header = JUNIT_FAILURE_HEADER.match(line)
        if header is not None:
            current = traces.setdefault(header["name"], [])
        elif current is not None and line.startswith("    "):
            current.append(line)
        else:
            current = None
    return {name: "\n".join(lines) for name, lines in traces.items()}


def _unity(output: str) -> dict[str, NativeVerdict]:
    verdicts: dict[str, NativeVerdict] = {}
    for line in output.splitlines():
        found = UNITY_LINE.match(line.strip())
        if found is not None and found["name"] not in verdicts:
            verdicts[found["name"]] = NativeVerdict(
                UNITY_OUTCOMES[found["verdict"]],
                (found["message"] or "").strip()[:MAX_MESSAGE_CHARS],
                int(found["line"]),
            )
    return verdicts


def _tap(output: str) -> dict[str, NativeVerdict]:
    """Top-level results only (subtests are indented); a failure's message is its error block."""
    verdicts: dict[str, NativeVerdict] = {}
    lines = output.splitlines()
    for index, line in enumerate(lines):
        found = TAP_RESULT.match(line)
        if found is None or found["name"] in verdicts:
            continue
        if found["directive"] is not None:
            outcome: Outcome = "skipped"
        else:
            outcome = "failed" if found["not"] else "passed"
        message, where = _tap_details(lines[index + 1 :]) if outcome == "failed" else ("", None)
        verdicts[found["name"]] = NativeVerdict(outcome, message, where)
    return verdicts


def _tap_details(following: list[str]) -> tuple[str, int | None]:
    """The YAML block after a result line: its `error: |-` text and the test's location line."""
    message: list[str] = []
    line_number = None
    in_error = False
    for line in following[:200]:
        stripped = line.strip()
        if stripped == "...":
            break
        location = TAP_LOCATION.search(stripped)
        if location is not None:
            line_number = int(location["line"])
        if stripped.startswith("error:"):
            in_error = True
            rest = stripped.removeprefix("error:").strip()
            if rest not in ("|-", "|", ""):
                message.append(rest.strip("'"))
            continue
        if in_error:
            if line.startswith("    "):
                message.append(stripped)
                continue
            in_error = False
    text = "\n".join(part for part in message if part).strip()
    return text[:MAX_MESSAGE_CHARS] or "the test failed", line_number
