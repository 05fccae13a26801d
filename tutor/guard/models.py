"""The guard's inputs and outputs: plain, frozen dataclasses with no Django in sight."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

VerdictName = Literal["allow", "redact", "block"]
FindingKind = Literal["similar_code", "passes_tests", "hidden_value", "prompt_echo"]


class RunCode(Protocol):
    """run_code(code, seconds) -> True when `code`, saved as the student's file, passes every
    test of the exercise (visible and hidden) within `seconds` (None: the exercise's own time
    limit), or when `seconds`, shorter than the exercise's limit, cut it off in a test after
    it passed nearly all of them (run_outcome.shows_a_solution). See
    sandbox_check.sandbox_runner for the real one."""

    def __call__(self, code: str, seconds: float | None = None, /) -> bool: ...


TestFiles = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class GuardContext:
    """What the guard knows about the exercise and the student asking.

    Test files are (filename, code) pairs. Everything the student can already see (the
    statement, the visible tests, the starter code, their own code) is public: code or values
    found there are never a leak. Sequences are stored as tuples so that a context is hashable
    and the guard can cache the work it does once per exercise and student code.
    """

    solution_code: str
    hidden_tests: TestFiles
    visible_tests: TestFiles = ()
    student_code: str = ""
    starter_code: str = ""
    statement: str = ""
    module_name: str = ""
    language: str = "python"

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden_tests", tuple(map(tuple, self.hidden_tests)))
        object.__setattr__(self, "visible_tests", tuple(map(tuple, self.visible_tests)))


@dataclass(frozen=True)
class GuardSettings:
    """The thresholds. Similarity scores are the share (0 to 1) of the *secret* part of the
    reference solution (what the starter and the student's code don't already contain) that a
    reply's code reproduces, after renaming variables and reordering statements.

    similarity_block (0.8): from here a code segment, or all code segments of a reply together,
        is the solution; the whole reply is blocked. Renamed or reordered copies score 1.0;
        different algorithms that pass the tests scored 0.05 to 0.23 on the curriculum (the
        sandbox check blocks those). 0.8 leaves room for a copy with a line or two changed.
    similarity_redact (0.5): from here a code segment is replaced by a placeholder: it gives
        away half of what the student still has to write. A segment that reproduces one whole
        function or method of the solution (of min_code_tokens or more) at similarity_block is
        redacted too, however small
        a share of the solution that is (compress() is 41% of run-length). A smaller partial
        snippet (two lines of a loop: 12%) is allowed: it shows a technique, the student still
        writes the function. Unrelated examples on other data scored under 0.06.
    min_code_tokens (12): a segment with fewer normalised tokens (`count += 1` has 3) is too
        small to give anything away and is not scored, unless the secret part of the solution
        is itself that small: a one-line solution such as `return a + b` IS the solution, and
        that snippet blocks the reply.
    window_chars (24): prose is released at once except for its last window_chars characters,
        so that a hidden test value split across chunks is caught before any of it leaves. The
        guard widens it to the longest hidden value when needed.
    run_code_blocks (True): run complete code segments that define what the tests import
        through the sandbox (run_code); a segment that passes every test is a full solution,
        whatever it looks like.
    max_sandbox_runs (6), sandbox_seconds_per_reply (1.0), sandbox_seconds_per_run (0.5):
        what one reply may cost in sandbox runs. The tests of a correct curriculum solution run
        in 0.05 to 0.3 s here; a solution in one block needs one run (and one of the student's
        own code, remembered across replies), one split over three blocks up to four. A piece
        cut off inside a loop runs until its time is up: half the budget, so that the pieces
        joined still get their run. A correct but slow solution (a quadratic one on the
        exercise's long input: 0.7 to 1.2 s here) is cut off in its heaviest test; a run cut
        off by this limit after every finished test passed, at least 3/4 of the tests and a
        hidden one among them, counts as a pass (tutor/guard/run_outcome.py). Code still
        unverified when the budget is spent is judged by similarity alone.
    kgram_size (5): length of the normalised token runs compared between reply and solution;
        shorter runs match generic code (`for ID in ID :`), longer ones miss small edits.
    min_value_digits (3): a hidden test number needs this many significant digits to count as
        a secret; one- and two-digit numbers ("a 10-year-old", "score 87") are everyday prose.
    min_value_chars (3): shorter hidden test strings ("", "A", "hi") are not secrets.
    """

    similarity_block: float = 0.8
    similarity_redact: float = 0.5
    min_code_tokens: int = 12
    window_chars: int = 24
    run_code_blocks: bool = True
    max_sandbox_runs: int = 6
    sandbox_seconds_per_reply: float = 1.0
    sandbox_seconds_per_run: float = 0.5
    kgram_size: int = 5
    min_value_digits: int = 3
    min_value_chars: int = 3
    block_message: str = (
        "I started to write out the solution, which would not help you learn. Let's go step "
        "by step instead: which part are you stuck on?"
    )
    code_placeholder: str = (
        "[code hidden: it is too close to the solution — try writing it yourself]"
    )
    value_placeholder: str = "[hidden test value]"

    def __post_init__(self) -> None:
        if not 0 < self.similarity_redact <= self.similarity_block <= 1:
            raise ValueError("GuardSettings needs 0 < similarity_redact <= similarity_block <= 1")
        for name in ("min_code_tokens", "window_chars", "kgram_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"GuardSettings.{name} must be at least 1")


@dataclass(frozen=True)
class Finding:
    """One reason to hold something back. start/end locate it in the reply's text."""

    kind: FindingKind
    severity: VerdictName
    message: str
    start: int
    end: int
    score: float | None = None


@dataclass(frozen=True)
class Verdict:
    """The decision on a whole reply.

    redacted_text is what the student may see: the reply with placeholders for redacted parts,
    or settings.block_message when the reply is blocked.
    """

    verdict: VerdictName
    reason: str
    redacted_text: str
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "verdict": self.verdict,
            "reason": self.reason,
            "redacted_text": self.redacted_text,
            "findings": [
                {
                    "kind": f.kind,
                    "severity": f.severity,
                    "message": f.message,
                    "start": f.start,
                    "end": f.end,
                    "score": f.score,
                }
                for f in self.findings
            ],
        }


@dataclass(frozen=True)
class FinalVerdict:
    """What StreamGuard.finish() returns: the text still to release, and the verdict.

    On block, rest is empty and the caller replaces everything already shown with
    verdict.redacted_text (the block message).
    """

    rest: str
    verdict: Verdict
