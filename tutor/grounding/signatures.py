"""A failure's signature: what makes two students' failing runs the same mistake.

A signature is the failing visible tests, the normalised text of the line localisation puts
first (tutor/grounding/localise.py) and the error's type. Two students who wrote the same wrong
line fail the same tests the same way, whatever their variable names, spacing, comments or the
line's number: those are left out (names and literals as the guard's normaliser reads them,
tutor/guard/normalise.py), so one answer serves both. Hidden tests never take part: the key
must not depend on what a student may not see.

Answers travel between students with their line numbers moved: `renumbered` shifts every "line
N" of an answer written for code whose localised line was L to the reader's own line.
"""

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tutor.analytics.failures import error_type
from tutor.grounding.localise import rank_suspicious_lines
from tutor.grounding.summary import failing_visible_tests, visible_tests
from tutor.guard.normalise import normalised_tokens

MAX_LINE_TEXT_CHARS = 200
MAX_TESTS_KEPT = 20
# "line 4", "Line 4", "lines 4-6", "lines 4, 5 and 7": each number moves with the code.
LINE_MENTION = re.compile(
    r"\b[Ll]ines?\s+\d+(?:\s*(?:-|\u2013|,|and|or|to)\s*\d+)*",
)
NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class FailureSignature:
    failing_tests: tuple[str, ...]  # sorted names of the failing visible tests
    line_text: str  # the localised line's normalised text ("" when nothing could be localised)
    error_type: str
    line: int | None  # the localised line in this student's file (not part of the key)
    line_source: str  # that line as the student wrote it (for the teacher's view)

    def key(self, exercise_id: int) -> str:
        """The stored key: one exercise, the same tests, line and error."""
        material = [exercise_id, list(self.failing_tests), self.line_text, self.error_type]
        return hashlib.sha256(json.dumps(material).encode()).hexdigest()

    def describe(self) -> str:
        """A short label for people: the line and the error."""
        where = f"line {self.line}: {self.line_source}" if self.line else "no line found"
        return f"{where} ({self.error_type})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "failing_tests": list(self.failing_tests),
            "line_text": self.line_text,
            "error_type": self.error_type,
            "line": self.line,
            "line_source": self.line_source,
        }


def failure_signature(
    result: Mapping[str, Any], *, file: str, source: str, language: str = "python"
) -> FailureSignature | None:
    """The signature of a stored result as its student may see it; None when no visible test
    fails (nothing to answer, or only hidden tests fail)."""
    failing = failing_visible_tests(result)
    if not failing:
        return None
    names = sorted({str(test.get("name", "")) for test in failing})[:MAX_TESTS_KEPT]
    status = str(result.get("status", ""))
    ranking = rank_suspicious_lines(visible_tests(result), file, source=source, limit=1)
    line = ranking[0].line if ranking else _reported_line(failing)
    written = _source_line(source, line)
    return FailureSignature(
        failing_tests=tuple(names),
        line_text=normalised_line(written, language),
        error_type=error_type(failing[0], status),
        line=line if written else None,
        line_source=written.strip()[:MAX_LINE_TEXT_CHARS],
    )


def normalised_line(text: str, language: str = "python") -> str:
    """The line's tokens with names and literals replaced by their class, comments dropped."""
    return " ".join(normalised_tokens(text.strip(), language))[:MAX_LINE_TEXT_CHARS]


def renumbered(text: str, *, written_for_line: int | None, reader_line: int | None) -> str:
    """The answer with every line number it mentions moved by the reader's shift."""
    if written_for_line is None or reader_line is None or written_for_line == reader_line:
        return text
    shift = reader_line - written_for_line

    def move(number: re.Match[str]) -> str:
        moved = int(number.group()) + shift
        return str(moved) if moved > 0 else number.group()

    return LINE_MENTION.sub(lambda mention: NUMBER.sub(move, mention.group()), text)


def _reported_line(failing: list[Mapping[str, Any]]) -> int | None:
    """Without coverage evidence: the line an error was raised on, if the run reported one."""
    for test in failing:
        line = test.get("line")
        if isinstance(line, int) and not isinstance(line, bool) and line > 0:
            return line
    return None


def _source_line(source: str, line: int | None) -> str:
    lines = source.splitlines()
    if line is None or not 0 < line <= len(lines):
        return ""
    return lines[line - 1]
