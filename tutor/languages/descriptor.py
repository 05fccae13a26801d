"""What one language is, in the words every part of LabTutor needs: the loader (suffixes, native
test files), the sandbox (which grader, how its errors name lines), the prompts (its name, the
completion header), the guard (its lexer) and the editor (its mode). Plain Python, no Django."""

import re
from dataclasses import dataclass
from typing import Literal

# "unittest": Python's own tests against the student's module across the two-process boundary;
# "program": built and run as a whole program, graded by input/output cases or native unit tests.
GraderKind = Literal["unittest", "program"]
# CodeMirror's language packages the editor bundle carries (frontend/src/editor.js).
EditorMode = Literal["python", "cpp", "java", "javascript"]


@dataclass(frozen=True)
class ErrorLines:
    """How a language's errors name the line they happened on.

    compile_error: one line per error, "file:line[:column]: error: message" (groups file, line,
    message); located_at: a line that only names the place, its message on a later line
    (groups file, line); stack_frame: a frame of a runtime stack trace, innermost first (groups
    file, line).
    """

    compile_error: re.Pattern[str] | None = None
    located_at: re.Pattern[str] | None = None
    stack_frame: re.Pattern[str] | None = None


@dataclass(frozen=True)
class LanguageDescriptor:
    # The exercise's `language` key ("c99" and "c" are two descriptors: the compiler's -std).
    name: str
    display_name: str
    # The student's main file's suffix first, then the others a student may edit (a C header).
    suffixes: tuple[str, ...]
    grader: GraderKind
    editor_mode: EditorMode
    # Pygments' lexer for the guard's token comparison; None: the guard's own Python reader.
    lexer: str | None
    errors: ErrorLines
    # A first line telling a code model which language it completes ({name}: the file's name);
    # empty for Python, the model's default.
    completion_header: str = ""
    # Native unit tests a LabTutor exercise may bring as its visible tests ({module}: its stem).
    native_test_file: str | None = None
    # What a whole program has: only such code is worth running as the student's file.
    whole_program: re.Pattern[str] | None = None

    @property
    def suffix(self) -> str:
        return self.suffixes[0]

    def student_filename(self, module: str) -> str:
        return f"{module}{self.suffix}"

    def edits(self, filename: str) -> bool:
        """A student of this language may edit a file of this name (by its suffix)."""
        return filename.endswith(self.suffixes)

    def looks_like_a_whole_program(self, code: str) -> bool:
        return self.whole_program is not None and self.whole_program.search(code) is not None
