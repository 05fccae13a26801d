"""The work done once per exercise and student code, before any reply arrives."""

from dataclasses import dataclass
from functools import lru_cache

from tutor.guard.cross_language import CrossReference, cross_reference
from tutor.guard.hidden_values import MATCH_LOOKAHEAD_CHARS, ValueMatcher, hidden_values
from tutor.guard.models import GuardContext, GuardSettings
from tutor.guard.sandbox_check import required_names
from tutor.guard.similarity import Reference, build_reference
from tutor.languages import find_language


@dataclass(frozen=True)
class PreparedExercise:
    context: GuardContext
    # None for a language the similarity checks can't read (Python, C, Java, JavaScript can).
    reference: Reference | None
    values: ValueMatcher
    required_names: frozenset[str]
    # The reference in a language-neutral alphabet, for its translations into the site's other
    # languages (None: too small to recognise, or not a Python exercise).
    cross_reference: CrossReference | None
    # How much trailing text the stream holds back: enough for the longest hidden value and
    # the characters after it, which decide whether 4142 is really 4142 and not 41420.
    hold_chars: int


@lru_cache(maxsize=128)
def prepare(context: GuardContext, settings: GuardSettings) -> PreparedExercise:
    public_code = [context.starter_code, context.student_code]
    public_texts = [
        context.statement,
        *public_code,
        *(code for _name, code in context.visible_tests),
    ]
    values = hidden_values(
        context.hidden_tests, public_texts, settings.min_value_digits, settings.min_value_chars
    )
    reference = (
        build_reference(
            context.solution_code,
            public_code,
            settings.kgram_size,
            settings.min_code_tokens,
            context.language,
        )
        if find_language(context.language) is not None
        else None
    )
    return PreparedExercise(
        context=context,
        reference=reference,
        values=values,
        required_names=required_names(
            [*context.visible_tests, *context.hidden_tests],
            context.module_name,
            context.solution_code if context.language == "python" else "",
        ),
        hold_chars=max(settings.window_chars, values.longest + MATCH_LOOKAHEAD_CHARS),
        cross_reference=(
            cross_reference(context.solution_code, "python")
            if context.language == "python" and context.solution_code.strip()
            else None
        ),
    )
