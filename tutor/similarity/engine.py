"""Which programs of a class share code: copydetect's winnowing over Pygments tokens.

Plain Python, no Django. Each program is read with the Pygments lexer of its language, names
and strings are replaced by their class and comments and spaces dropped (so a renamed copy
reads the same); copydetect (MOSS's winnowing, as in Dolos and JPlag) fingerprints its k-grams
and keeps those that no excluded program has: the exercise's starter code and reference
solution are excluded, so code every student was given, or that the solution dictates, does not
make two students look alike. A reordered copy keeps its fingerprints (they are a set, not a
sequence), so it ranks with the renamed ones.

The reading is ours, not copydetect's filter_code: that one keeps JavaScript's names (Pygments
gives them as Name.Other), so a renamed JavaScript copy went unnoticed.
"""

import io
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from copydetect import CodeFingerprint, compare_files
from pygments.token import Comment, Name, String, Text, _TokenType

from tutor.guard.normalise import lexer_for
from tutor.languages import get_language

# copydetect's defaults: a match shorter than NOISE_TOKENS tokens is noise; with a window of 1
# every k-gram is a fingerprint, so a match of GUARANTEE_TOKENS tokens or more is always found.
NOISE_TOKENS = 25
GUARANTEE_TOKENS = 25

Progress = Callable[[int, int], None]
Span = tuple[int, int]


@dataclass(frozen=True)
class Program:
    """One student's code; `key` is the caller's id for it (a submission's id)."""

    key: int
    code: str


@dataclass(frozen=True)
class PairMatch:
    """Two programs that share code: how much of each, and where (character spans)."""

    first: int
    second: int
    similarity: float  # shared tokens of both over all compared tokens of both, 0..1
    first_share: float  # of the first program's compared tokens, the part found in the second
    second_share: float
    first_spans: list[Span]
    second_spans: list[Span]


def lexer_name(language: str) -> str:
    """The Pygments lexer for an exercise's language (python, c, c99, java, javascript)."""
    return get_language(language).lexer or "python"


def _fingerprint(
    code: str, *, language: str, boilerplate: np.ndarray | None = None
) -> CodeFingerprint:
    code = unix_newlines(code)
    filtered, offsets = filtered_code(code, language=language)
    fingerprint = CodeFingerprint(
        "program",
        NOISE_TOKENS,
        GUARANTEE_TOKENS - NOISE_TOKENS + 1,
        boilerplate=boilerplate,
        filter=False,
        fp=io.StringIO(filtered),
    )
    # compare_files maps matches in the filtered text back to the program through these.
    fingerprint.raw_code = code
    fingerprint.offsets = offsets
    return fingerprint


def unix_newlines(code: str) -> str:
    """Pygments reads "\\r\\n" as "\\n": spans are positions in the code with "\\n" only."""
    return code.replace("\r\n", "\n").replace("\r", "\n")


_NAME_KINDS: dict[_TokenType, str] = {Name.Function: "F", Name.Class: "O"}
_KEPT_NAMES = (Name.Builtin, Name.Exception, Name.Decorator, Name.Namespace)


def filtered_code(code: str, *, language: str) -> tuple[str, np.ndarray]:
    """The code as copydetect compares it, with copydetect's offsets (filtered index, characters
    dropped before it) to map positions back: every name V (a function F, a class O), every
    string S, preprocessor lines P, comments and spaces dropped; keywords, operators, numbers
    and builtins kept as written."""
    out: list[str] = []
    length = 0
    dropped = 0
    offsets = [[0, 0]]
    for kind, text in lexer_for(lexer_name(language)).get_tokens(code):
        if kind in Comment.Preproc or kind in Comment.Hashbang:
            replacement = "P"
        elif kind in Text or kind in Comment:
            offsets.append([length - 1, dropped])
            dropped += len(text)
            continue
        elif kind in String:
            replacement = text if text in ("'", '"') else "S"
        elif kind in Name and not any(kind in kept for kept in _KEPT_NAMES):
            replacement = next((v for k, v in _NAME_KINDS.items() if kind in k), "V")
        else:
            out.append(text)
            length += len(text)
            continue
        out.append(replacement)
        length += 1
        offsets.append([length - 1, dropped])
        dropped += len(text) - 1
    return "".join(out), np.array(offsets)


def excluded_fingerprints(codes: Sequence[str], *, language: str) -> np.ndarray:
    """The fingerprints of code that must not count as shared (starter code, reference)."""
    hashes: set[int] = set()
    for code in codes:
        if code.strip():
            hashes.update(_fingerprint(code, language=language).hashes)
    return np.array(sorted(hashes), dtype=np.int64)


# With `keep`, this many times as many candidate pairs get the exact comparison (the screen is
# close to it: a pair it ranks below that many others does not make the top `keep`).
EXACT_PER_KEPT = 3
MIN_EXACT = 1000


@dataclass(frozen=True)
class Comparison:
    matches: list[PairMatch]  # most similar first; with `keep`, the top `keep` only
    pairs_sharing: int  # pairs with any fingerprint in common


def exact_budget(pair_count: int, keep: int | None) -> int:
    if keep is None:
        return pair_count
    return min(pair_count, max(keep * EXACT_PER_KEPT, MIN_EXACT))


def work_units(program_count: int, keep: int | None = None) -> int:
    """What progress counts to: a unit per program read, per pair screened, per exact compare."""
    pairs = program_count * (program_count - 1) // 2
    return program_count + pairs + exact_budget(pairs, keep)


def compare_programs(
    programs: Sequence[Program],
    *,
    language: str,
    excluded: Sequence[str] = (),
    keep: int | None = None,
    on_progress: Progress | None = None,
    progress_every: int = 500,
) -> Comparison:
    """The pairs of programs that share code, most similar first (the `keep` most similar).

    Every pair is screened by its share of fingerprints in common (a set intersection); the
    most promising get copydetect's exact comparison, which finds the shared fragments.
    on_progress(done, total) is called every `progress_every` units of work and at the end.
    """
    total = work_units(len(programs), keep)
    done = 0

    def advance(units: int) -> None:
        nonlocal done
        before = done
        done += units
        if on_progress is not None and (done // progress_every != before // progress_every):
            on_progress(done, total)

    boilerplate = excluded_fingerprints(excluded, language=language)
    prints = []
    for program in programs:
        prints.append(_fingerprint(program.code, language=language, boilerplate=boilerplate))
        advance(1)
    candidates = []
    for i, j in itertools.combinations(range(len(programs)), 2):
        shared = len(prints[i].hashes & prints[j].hashes)
        if shared:
            dice = 2 * shared / (len(prints[i].hashes) + len(prints[j].hashes))
            candidates.append((-dice, i, j))
        advance(1)
    candidates.sort()
    budget = exact_budget(len(programs) * (len(programs) - 1) // 2, keep)
    matches = []
    for _, i, j in candidates[:budget]:
        match = _compare(programs[i], prints[i], programs[j], prints[j])
        if match is not None:
            matches.append(match)
        advance(1)
    if on_progress is not None:
        on_progress(total, total)
    matches.sort(key=lambda match: (-match.similarity, match.first, match.second))
    return Comparison(matches=matches[:keep], pairs_sharing=len(candidates))


def _compare(
    a: Program, print_a: CodeFingerprint, b: Program, print_b: CodeFingerprint
) -> PairMatch | None:
    _, (share_a, share_b), (slices_a, slices_b) = compare_files(print_a, print_b)
    covered_a, covered_b = float(print_a.token_coverage), float(print_b.token_coverage)
    if not (share_a or share_b) or covered_a + covered_b == 0:
        return None
    similarity = (share_a * covered_a + share_b * covered_b) / (covered_a + covered_b)
    return PairMatch(
        first=a.key,
        second=b.key,
        similarity=round(float(similarity), 4),
        first_share=round(float(share_a), 4),
        second_share=round(float(share_b), 4),
        first_spans=_spans(slices_a, len(unix_newlines(a.code))),
        second_spans=_spans(slices_b, len(unix_newlines(b.code))),
    )


def _spans(slices: np.ndarray, length: int) -> list[Span]:
    """copydetect's 2xN array of starts and ends as (start, end) pairs inside the code."""
    if len(slices) == 0 or len(slices[0]) == 0:
        return []
    spans = []
    for start, end in zip(slices[0].tolist(), slices[1].tolist(), strict=True):
        start, end = max(0, int(start)), min(length, int(end))
        if start < end:
            spans.append((start, end))
    return spans


@dataclass(frozen=True)
class Segment:
    """A piece of a program as shown: matched pieces are highlighted."""

    text: str
    matched: bool


def segments(code: str, spans: Sequence[Span]) -> list[Segment]:
    """The code cut at its matched spans (overlapping or unsorted spans are merged)."""
    code = unix_newlines(code)
    pieces: list[Segment] = []
    position = 0
    for start, end in _merged(spans):
        if start > position:
            pieces.append(Segment(code[position:start], matched=False))
        start = max(start, position)
        if end > start:
            pieces.append(Segment(code[start:end], matched=True))
        position = max(position, end)
    if position < len(code):
        pieces.append(Segment(code[position:], matched=False))
    return pieces


def _merged(spans: Sequence[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
