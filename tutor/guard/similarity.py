"""How much of the reference solution a piece of code reproduces.

Only the *secret* part of the solution counts: its token runs and statement shapes that the
starter code and the student's own code don't already have. So the function signature from
the starter, or the student's code quoted back to them, never scores.

A score is the larger of two containments (both robust to extra code around the copy):
- tokens: the share of the secret token runs (k-grams of normalised tokens) found in the code;
  robust to renamed variables and changed literals;
- shapes: the share of the secret statement shapes (weighted by their size) found in it;
  robust to renaming and to reordered statements too.

Scores are taken against the whole solution and against each of its functions and methods
("units"): one complete function of a two-function exercise is under half of the solution but
still the student's work done for them.
"""

import ast
import textwrap
from collections import Counter
from dataclasses import dataclass, field

from tutor.guard.normalise import kgrams, normalised_tokens, statement_shapes

KGram = tuple[str, ...]
Weights = dict[str, int]


@dataclass(frozen=True)
class Secret:
    """The part of some solution code that the public code doesn't contain."""

    name: str
    kgrams: frozenset[KGram]
    shapes: Counter[str]
    weight: int
    # Normalised tokens on the code's lines that the public code doesn't have: how much code
    # the student still has to write.
    token_count: int

    def score(
        self, found_kgrams: set[KGram], found_shapes: Counter[str], weights: Weights
    ) -> float:
        return max(
            _share(len(found_kgrams & self.kgrams), len(self.kgrams)),
            _share(_weight(found_shapes & self.shapes, weights), self.weight),
        )


@dataclass(frozen=True)
class Reference:
    whole: Secret
    # Functions and methods big enough to matter on their own (min_unit_tokens); empty when
    # the solution is a single function, which `whole` already covers.
    units: tuple[Secret, ...]
    shape_weights: Weights
    public_shapes: Counter[str]
    kgram_size: int
    # How the code is read (normalise.py): Python's own rules, or a Pygments lexer.
    language: str = "python"


@dataclass(frozen=True)
class CodeMatch:
    """What one code segment reproduces of the secret part of the solution."""

    token_count: int
    matched_kgrams: frozenset[KGram]
    matched_shapes: Counter[str]
    score: float
    # The unit the segment reproduces the most of, and how much.
    best_unit: str | None
    best_unit_score: float
    # True when every statement of the segment is already in the public code (the student's
    # own code quoted back, say): such a segment can't complete a solution.
    only_public: bool


def build_reference(
    solution: str,
    public_code: list[str],
    kgram_size: int,
    min_unit_tokens: int,
    language: str = "python",
) -> Reference:
    public_kgrams: set[KGram] = set()
    public_shapes: Counter[str] = Counter()
    public_lines: set[tuple[str, ...]] = set()
    for code in public_code:
        public_kgrams |= kgrams(normalised_tokens(code, language), kgram_size)
        public_shapes |= statement_shapes(code, language).counts
        public_lines |= {tuple(normalised_tokens(line, language)) for line in code.splitlines()}

    weights: Weights = {}  # filled in by secret(): every secret shape's weight

    def secret(name: str, code: str) -> Secret:
        shapes = statement_shapes(code, language)
        weights.update(shapes.weights)
        secret_shapes = shapes.counts - public_shapes
        secret_lines = [
            tokens
            for line in code.splitlines()
            if (tokens := tuple(normalised_tokens(line, language))) and tokens not in public_lines
        ]
        return Secret(
            name=name,
            kgrams=frozenset(kgrams(normalised_tokens(code, language), kgram_size) - public_kgrams),
            shapes=secret_shapes,
            weight=_weight(secret_shapes, weights),
            token_count=sum(len(tokens) for tokens in secret_lines),
        )

    # Units are Python's functions and methods; other languages are scored as a whole.
    units = [
        secret(name, code) for name, code in (_units(solution) if language == "python" else [])
    ]
    return Reference(
        whole=secret("the reference solution", solution),
        units=tuple(u for u in units if u.token_count >= min_unit_tokens) if len(units) > 1 else (),
        shape_weights=weights,
        public_shapes=public_shapes,
        kgram_size=kgram_size,
        language=language,
    )


def _units(solution: str) -> list[tuple[str, str]]:
    """Top-level functions and the methods of top-level classes, with their source."""
    try:
        tree = ast.parse(solution)
    except (SyntaxError, ValueError):
        return []
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append((f"{node.name}()", node))
        elif isinstance(node, ast.ClassDef):
            found.extend(
                (f"{node.name}.{item.name}()", item)
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            )
    return [
        (name, textwrap.dedent(source))
        for name, node in found
        if (source := ast.get_source_segment(solution, node, padded=True))
    ]


def compare(code: str, reference: Reference) -> CodeMatch:
    shapes = statement_shapes(code, reference.language).counts
    # Statements the student already has are no news, however often the solution repeats them.
    new_shapes = shapes - reference.public_shapes
    tokens = normalised_tokens(code, reference.language)
    found_kgrams = kgrams(tokens, reference.kgram_size)
    unit_scores = [
        (unit.score(found_kgrams, new_shapes, reference.shape_weights), unit.name)
        for unit in reference.units
    ]
    best_unit_score, best_unit = max(unit_scores, default=(0.0, None))
    whole = reference.whole
    return CodeMatch(
        token_count=len(tokens),
        matched_kgrams=frozenset(found_kgrams & whole.kgrams),
        matched_shapes=new_shapes & whole.shapes,
        score=whole.score(found_kgrams, new_shapes, reference.shape_weights),
        best_unit=best_unit,
        best_unit_score=best_unit_score,
        only_public=bool(shapes) and not new_shapes,
    )


def is_significant(match: CodeMatch, reference: Reference, min_code_tokens: int) -> bool:
    """Whether a segment is big enough to be scored at all (see GuardSettings.min_code_tokens).

    A tiny snippet is ignored unless the whole secret is that tiny too: then the snippet that
    reproduces it is the solution (add(a, b) is `return a + b`).
    """
    return match.token_count >= min(min_code_tokens, max(reference.whole.token_count, 1))


@dataclass
class ReplyCoverage:
    """What all the scored code segments of one reply reproduce together."""

    kgrams: set[KGram] = field(default_factory=set)
    shapes: Counter[str] = field(default_factory=Counter)

    def add(self, match: CodeMatch) -> None:
        self.kgrams |= match.matched_kgrams
        self.shapes |= match.matched_shapes

    def score(self, reference: Reference) -> float:
        return reference.whole.score(self.kgrams, self.shapes, reference.shape_weights)


def _weight(shapes: Counter[str], weights: Weights) -> int:
    return sum(weights[shape] * count for shape, count in shapes.items())


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
