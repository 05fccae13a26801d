"""Native unit tests' own output, read on the host: Unity's lines (C), node:test's TAP
(JavaScript) and the JUnit 5 console launcher's tree (Java). The tests run inside the student's
process, which can print any of this: a verdict read from here can be forged, so exercises
graded this way are marked in_process.

Test names come from the host's reading of the test files, never from the output.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from tutor.sandbox.models import Outcome, SourceFile

NativeFormat = Literal["unity", "tap", "junit"]
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
# JUnit 5: methods annotated @Test (other annotations may sit between), and the console
# launcher's tree lines "├─ addsSmallNumbers() ✘ expected: <3> but was: <-1>".
JUNIT_TEST_METHOD = re.compile(
    r"@Test\b\s*(?:@\w+(?:\([^)]*\))?\s*)*(?:(?:public|protected|private|static|final)\s+)*"
    r"void\s+(\w+)\s*\("
)
JUNIT_TREE_LINE = re.compile(r"[─\s](?P<name>\w+)\(\) (?P<mark>[✔✘↷■])(?: (?P<message>.*))?$")
JUNIT_OUTCOMES: dict[str, Outcome] = {"✔": "passed", "✘": "failed", "↷": "skipped", "■": "error"}
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
            names = JUNIT_TEST_METHOD.findall(file.content)
        else:
            names = [match["name"] for match in NODE_TEST_CALL.finditer(file.content)]
        tests += [(file.name, name) for name in dict.fromkeys(names)]
    return tests


def native_verdicts(native_format: NativeFormat, output: str) -> dict[str, NativeVerdict]:
    """Test name -> the first verdict printed for it."""
    if native_format == "unity":
        return _unity(output)
    return _junit(output) if native_format == "junit" else _tap(output)


def _junit(output: str) -> dict[str, NativeVerdict]:
    verdicts: dict[str, NativeVerdict] = {}
    for line in output.splitlines():
        found = JUNIT_TREE_LINE.search(line)
        if found is not None and found["name"] not in verdicts:
            outcome = JUNIT_OUTCOMES[found["mark"]]
            message = (found["message"] or "").strip() if outcome != "passed" else ""
            verdicts[found["name"]] = NativeVerdict(outcome, message[:MAX_MESSAGE_CHARS], None)
    return verdicts


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
