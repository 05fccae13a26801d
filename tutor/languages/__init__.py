"""The one registry of languages: each language is one descriptor (tutor/languages/<name>.py),
and the loader, the sandbox, the prompts, the guard and the editor read it from here.

A new language: a module beside these with its LanguageDescriptor, registered below (and, when
it is graded as a program, its build and run commands in tutor/sandbox/languages/programs.py).
"""

from tutor.languages.c import C11, C99
from tutor.languages.descriptor import EditorMode, ErrorLines, GraderKind, LanguageDescriptor
from tutor.languages.java import JAVA
from tutor.languages.javascript import JAVASCRIPT
from tutor.languages.python import PYTHON

__all__ = [
    "C11",
    "C99",
    "DEFAULT_LANGUAGE",
    "JAVA",
    "JAVASCRIPT",
    "LANGUAGES",
    "PYTHON",
    "EditorMode",
    "ErrorLines",
    "GraderKind",
    "LanguageDescriptor",
    "all_languages",
    "find_language",
    "get_language",
]

LANGUAGES: dict[str, LanguageDescriptor] = {
    language.name: language for language in (PYTHON, C11, C99, JAVA, JAVASCRIPT)
}
DEFAULT_LANGUAGE = PYTHON


def all_languages() -> list[LanguageDescriptor]:
    return list(LANGUAGES.values())


def find_language(name: str) -> LanguageDescriptor | None:
    return LANGUAGES.get(name)


def get_language(name: str) -> LanguageDescriptor:
    """The descriptor of a known language; an unknown name is Python's (older rows, defaults)."""
    return LANGUAGES.get(name, DEFAULT_LANGUAGE)
