"""The one registry of languages: every part reads a language's facts from its descriptor."""

import pytest

from tutor.languages import LANGUAGES, find_language, get_language
from tutor.sandbox.languages.programs import PROGRAM_LANGUAGES
from tutor.sandbox.native_tests import jest_test_names, student_line


def test_every_language_is_one_descriptor_that_the_sandbox_builds_from() -> None:
    assert set(LANGUAGES) == {"python", "c", "c99", "java", "javascript"}
    for name, plugin in PROGRAM_LANGUAGES.items():
        assert plugin.descriptor is LANGUAGES[name]
        assert plugin.suffix == LANGUAGES[name].suffix
    # An unknown name (an old row) reads as Python, the default; find_language says it is unknown.
    assert get_language("cobol").name == "python"
    assert find_language("cobol") is None


@pytest.mark.parametrize(
    ("language", "filename", "mode", "display"),
    [
        ("python", "greet.py", "python", "Python"),
        ("c99", "leap.c", "cpp", "C"),
        ("java", "Bob.java", "java", "Java"),
        ("javascript", "two-fer.js", "javascript", "JavaScript"),
    ],
)
def test_a_descriptor_names_the_file_the_editor_mode_and_the_language(
    language: str, filename: str, mode: str, display: str
) -> None:
    descriptor = get_language(language)
    assert descriptor.student_filename(filename.rsplit(".", 1)[0]) == filename
    assert (descriptor.editor_mode, descriptor.display_name) == (mode, display)


def test_a_c_student_may_edit_a_header_too() -> None:
    assert get_language("c").edits("leap.h") and get_language("c").edits("leap.c")
    assert not get_language("c").edits("leap.py")


@pytest.mark.parametrize(
    ("language", "output", "line"),
    [
        ("c", "/tmp/work/sum.c:7:12: error: expected ';' before '}' token", 7),
        ("java", "/tmp/work/Bob.java:12: error: ';' expected", 12),
    ],
)
def test_compile_errors_name_their_line(language: str, output: str, line: int) -> None:
    found = get_language(language).errors.compile_error
    assert found is not None
    match = found.match(output)
    assert match is not None and int(match["line"]) == line


@pytest.mark.parametrize(
    ("language", "trace", "student_file", "line"),
    [
        (
            "java",
            "java.lang.ArithmeticException: / by zero\n"
            "\tat Fee.per(Fee.java:9)\n\tat FeeTest.splits(FeeTest.java:14)",
            "Fee.java",
            9,
        ),
        (
            "java",  # the JUnit console launcher's frames have no "at"
            "    => java.lang.NullPointerException\n"
            "       Robot.advance(Robot.java:31)\n"
            "       RobotTest.moves(RobotTest.java:40)",
            "Robot.java",
            31,
        ),
        (
            "javascript",
            "TypeError: Cannot read properties of undefined (reading 'bar')\n"
            "    at bar (/opt/program/two-fer.js:3:44)\n"
            "    at Object.<anonymous> (/opt/program/two-fer.spec.js:6:17)",
            "two-fer.js",
            3,
        ),
        (
            "c",
            "==12==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x6020\n"
            "    #0 0x55d1 in reverse /tmp/work/digit_reverse.c:14:21\n"
            "    #1 0x55d2 in test_reverse /tmp/work/test_digit_reverse.c:9:3",
            "digit_reverse.c",
            14,
        ),
        ("python", 'File "/tmp/work/greet.py", line 4, in greet', "greet.py", 4),
    ],
)
def test_runtime_errors_name_the_line_in_the_students_file(
    language: str, trace: str, student_file: str, line: int
) -> None:
    frame = get_language(language).errors.stack_frame
    assert student_line(trace, frame, student_file) == line
    assert student_line(trace, frame, "other.file") is None


def test_jest_names_follow_the_describe_blocks_as_jest_reports_them() -> None:
    source = """
import { describe, expect, test, xtest } from '@jest/globals';

describe('Bob', () => {
  test('stating something', () => {
    expect(hey('Tom-ay-to, tom-aaaah-to.')).toEqual('Whatever.');
  });
  describe("questions {", () => {
    xtest(`asking a question`, () => {
      const brace = '}'; // a brace in a string or a comment: } does not close a block
      expect(hey('Does this cryogenic chamber make me look fat?')).toEqual('Sure.');
    });
  });
  test('after the nested block', () => {});
});
test('top level', () => {});
"""
    assert list(jest_test_names(source)) == [
        "Bob stating something",
        "Bob questions { asking a question",
        "Bob after the nested block",
        "top level",
    ]
