"""Language plug-ins, looked up by name. Only Python so far."""

from tutor.sandbox.errors import UnknownLanguage
from tutor.sandbox.languages.base import Language
from tutor.sandbox.languages.python import PythonLanguage

_LANGUAGES: dict[str, Language] = {}


def register_language(language: Language) -> None:
    _LANGUAGES[language.name] = language


def get_language(name: str) -> Language:
    try:
        return _LANGUAGES[name]
    except KeyError:
        known = ", ".join(sorted(_LANGUAGES)) or "none"
        raise UnknownLanguage(
            f"no sandbox support for language {name!r} (known: {known})"
        ) from None


register_language(PythonLanguage())
