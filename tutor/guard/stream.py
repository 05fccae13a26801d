"""StreamGuard: judge an AI reply while it streams, and release only what is safe.

Text is read line by line as it arrives. Prose goes out at once, except its last few
characters (a hidden test value may be arriving in pieces) and any inline code span still
open. A code segment (fenced block, unfenced code, inline span) is held back whole until it
ends, then checked: its similarity to the solution and, for code that could be a solution, a
sandbox run. A segment that blocks the reply stops the stream; one that is too close is
replaced by a placeholder; hidden test values are replaced wherever they appear.

A solution split over several blocks is judged as a whole when its last block closes, so that
block never reaches the student; but what came before it must not have either. A block that
defines a function or class (the one the tests need, or a helper of it) is therefore held back,
with everything after it, until the reply ends and the whole reply has been judged: that it
fails the tests alone says nothing of what a later block adds to it (a missing return, a loop's
body, the function that calls the helper). Only the student's own code quoted back is not
held. Any other block goes out as soon as it is judged; a fair reply's example function or
skeleton arrives when the reply ends.

Every decision depends on complete lines or complete spans only, never on where the chunks
were cut, so check_reply() (one chunk) and a stream of the same text give the same verdict.
"""

import logging
import re
from dataclasses import dataclass

from tutor.guard.cross_language import CROSS_LANGUAGE_BLOCK, translated_share
from tutor.guard.decoded import decoded_code
from tutor.guard.extract import (
    INLINE_SPAN,
    Fence,
    Unwrapped,
    closes_fence,
    closing_html,
    continues_code,
    html_code,
    is_prose_start,
    looks_like_code,
    opening_fence,
    opening_html,
    span_code,
    unwrap,
    without_line_numbers,
    wrapped_code,
)
from tutor.guard.hidden_values import MATCH_LOOKAHEAD_CHARS
from tutor.guard.models import (
    FinalVerdict,
    Finding,
    GuardContext,
    GuardSettings,
    RunCode,
    Verdict,
)
from tutor.guard.prepared import prepare
from tutor.guard.sandbox_check import SolutionCheck, as_module
from tutor.guard.similarity import CodeMatch, ReplyCoverage, compare, is_significant
from tutor.guard.verdict import decide

logger = logging.getLogger(__name__)

_QUOTED_CODE_CHARS = 30


@dataclass
class _Redaction:
    start: int
    end: int
    placeholder: str


@dataclass
class _OpenFence:
    fence: Fence
    start: int  # where the opening fence line starts
    content_start: int  # where the line after it starts


@dataclass
class _OpenHtml:
    start: int  # where the <pre> line starts
    content_start: int  # just after <pre> (and <code>)


@dataclass
class _CodeRun:
    start: int
    end: int  # the end of its last code line: blank lines after it are not part of it
    kind: str  # the container its lines are in: "" (none), "quote", "list", "table", ...
    lines: list[str]  # the code of each line, container marks taken off
    code_lines: int  # how many of `lines` are part of it (blank lines after it are not)

    @property
    def code(self) -> str:
        return "\n".join(self.lines[: self.code_lines])


@dataclass
class _SpanRun:
    """Inline code spans on consecutive prose lines: code written one line per step."""

    start: int  # where its first span starts
    end: int
    spans: list[str]
    holds: bool  # a span reads as a line of Python: the run is held back until it ends


class StreamGuard:
    """push() each chunk and show what it returns; finish() gives the rest and the verdict.

    A sandbox run happens inside push() when a code segment closes (a tenth of a second or
    more); everything else costs microseconds per chunk. Not thread-safe: one per reply.
    """

    def __init__(
        self,
        context: GuardContext,
        settings: GuardSettings | None = None,
        run_code: RunCode | None = None,
    ) -> None:
        self._settings = settings or GuardSettings()
        self._exercise = prepare(context, self._settings)
        self._solution_check = (
            SolutionCheck(
                run_code,
                self._exercise.required_names,
                context.student_code,
                language=context.language,
                reference_code=context.solution_code,
                max_runs=self._settings.max_sandbox_runs,
                seconds_per_reply=self._settings.sandbox_seconds_per_reply,
                seconds_per_run=self._settings.sandbox_seconds_per_run,
            )
            if run_code is not None and self._settings.run_code_blocks
            else None
        )
        self._coverage = ReplyCoverage()
        self._text = ""
        self._line_start = 0  # the first line not read yet
        self._fence: _OpenFence | None = None
        self._html: _OpenHtml | None = None
        self._run: _CodeRun | None = None
        self._span_run: _SpanRun | None = None
        self._inline_from = 0  # inline code spans before this are checked
        self._values_scanned_to = 0
        self._values_seen: set[tuple[int, int]] = set()
        self._released = 0
        self._output: list[str] = []
        self._redactions: list[_Redaction] = []
        self._findings: list[Finding] = []
        self._code_blocks = 0
        # A definition of what the tests need, held back with what follows it to the end.
        self._held_from: int | None = None
        self._segments_checked = 0
        self._blocked = False
        self._finished = False

    @property
    def blocked(self) -> bool:
        return self._blocked

    @property
    def segments_checked(self) -> int:
        """How many code segments (blocks, unfenced runs, inline spans) were judged so far."""
        return self._segments_checked

    def push(self, chunk: str) -> str:
        """Take the next chunk; return the text that is safe to show now (maybe "")."""
        if self._finished:
            raise RuntimeError("StreamGuard.push() after finish()")
        if self._blocked:
            return ""
        searched_from = len(self._text)
        self._text += chunk
        self._read_lines(searched_from)
        if not self._blocked and self._in_prose() and is_prose_start(self._text, self._line_start):
            self._check_inline_spans(len(self._text), line_complete=False)
        if self._blocked:
            return ""
        self._find_values(final=False)
        return self._release(self._release_limit())

    def finish(self) -> FinalVerdict:
        """The reply is complete: judge what is left and return the rest and the verdict."""
        if self._finished:
            raise RuntimeError("StreamGuard.finish() called twice")
        self._finished = True
        end = len(self._text)
        if not self._blocked and self._line_start < end:
            self._read_line(self._line_start, end)
            self._line_start = end
        if not self._blocked and self._fence is not None:
            fence, self._fence = self._fence, None  # a reply cut off inside its code block
            self._check_code(
                fence.start, end, without_line_numbers(self._text[fence.content_start :])
            )
        if not self._blocked and self._html is not None:
            block, self._html = self._html, None
            self._check_code(block.start, end, html_code(self._text[block.content_start :]))
        if not self._blocked:
            self._close_run()
        if not self._blocked:
            self._close_span_run()
        if not self._blocked:
            self._find_values(final=True)
        name, reason = decide(self._findings)
        if name == "block":
            rest, shown = "", self._settings.block_message
        else:
            rest = self._release(end)
            shown = "".join(self._output)
        context = self._exercise.context
        logger.info("guard: %s a reply for %s: %s", name, context.module_name or "?", reason)
        return FinalVerdict(rest, Verdict(name, reason, shown, list(self._findings)))

    # --- Reading lines ------------------------------------------------------------------------

    def _read_lines(self, searched_from: int) -> None:
        position = max(searched_from, self._line_start)
        while not self._blocked:
            newline = self._text.find("\n", position)
            if newline < 0:
                return
            self._read_line(self._line_start, newline + 1)
            self._line_start = position = newline + 1

    def _read_line(self, start: int, end: int) -> None:
        line = self._text[start:end]
        if self._fence is not None:
            if closes_fence(line, self._fence.fence):
                fence, self._fence = self._fence, None
                code = without_line_numbers(self._text[fence.content_start : start])
                self._check_code(fence.start, end, code)
            return
        if self._html is not None:
            closing = closing_html(line)
            if closing is not None:
                block, self._html = self._html, None
                code = html_code(self._text[block.content_start : start + closing.start()])
                self._check_code(block.start, end, code)
            return
        if self._opens_block(line, start, end):
            return
        wrapped = unwrap(line)
        if self._run is not None and self._continues(self._run, line, wrapped):
            self._run.lines.append(wrapped.inner)
            if line.strip() and wrapped.inner.strip():
                self._run.end = end
                self._run.code_lines = len(self._run.lines)
        elif not is_prose_start(line) and wrapped_code(wrapped):
            self._close_run()
            self._close_span_run()
            self._run = _CodeRun(start, end, wrapped.kind, [wrapped.inner], 1)
        else:
            self._close_run()
            if not self._blocked:
                self._check_inline_spans(end, line_complete=True)
            if not self._blocked:
                self._follow_span_run(start, end, line)
        self._inline_from = max(self._inline_from, end)

    def _opens_block(self, line: str, start: int, end: int) -> bool:
        """A fence or an HTML <pre> opening on this line: the line is taken care of."""
        fence = opening_fence(line)
        html = None if fence is not None else opening_html(line)
        if fence is None and html is None:
            return False
        self._close_run()
        self._close_span_run()
        if self._blocked:
            return True
        if fence is not None:
            self._fence = _OpenFence(fence, start, end)
            return True
        assert html is not None
        closing = closing_html(line, html.end())
        if closing is None:
            self._html = _OpenHtml(start, start + html.end())
        else:
            self._check_code(start, end, html_code(line[html.end() : closing.start()]))
        self._inline_from = max(self._inline_from, end)
        return True

    @staticmethod
    def _continues(run: _CodeRun, line: str, wrapped: Unwrapped) -> bool:
        """Blank lines and the run's container's lines that go on with code belong to it."""
        if not line.strip():
            return True
        if wrapped.kind != run.kind:
            return False
        return continues_code(wrapped.inner)

    def _in_prose(self) -> bool:
        return self._fence is None and self._html is None and self._run is None

    def _close_run(self) -> None:
        if self._run is not None:
            run, self._run = self._run, None
            self._check_code(run.start, run.end, run.code)

    def _follow_span_run(self, start: int, end: int, line: str) -> None:
        """A complete prose line: its inline spans go on the current span run, or end it."""
        spans = list(INLINE_SPAN.finditer(line))
        if not spans:
            if line.strip():
                self._close_span_run()
            return
        codes = [span_code(span) for span in spans]
        holds = any(looks_like_code(code.strip()) for code in codes)
        if self._span_run is None:
            self._span_run = _SpanRun(start + spans[0].start(), end, codes, holds)
        else:
            self._span_run.spans += codes
            self._span_run.end = end
            self._span_run.holds = self._span_run.holds or holds

    def _close_span_run(self) -> None:
        run, self._span_run = self._span_run, None
        if run is not None and len(run.spans) > 1 and not self._blocked:
            self._check_code(run.start, run.end, "\n".join(run.spans), spans=True)

    def _check_inline_spans(self, end: int, line_complete: bool) -> None:
        position = max(self._inline_from, self._line_start)
        for span in INLINE_SPAN.finditer(self._text, position, end):
            if not line_complete and span.end() >= len(self._text):
                break  # the closing backticks may not all be here yet
            self._check_code(span.start(), span.end(), span_code(span), inline=True)
            self._inline_from = span.end()
            if self._blocked:
                return

    # --- Judging ------------------------------------------------------------------------------

    def _check_code(
        self,
        start: int,
        end: int,
        code: str,
        inline: bool = False,
        spans: bool = False,
        hidden_in: str = "",
    ) -> None:
        self._segments_checked += 1
        if hidden_in:
            label = f"code hidden in a string of {hidden_in}"
        elif inline:
            shown = code if len(code) <= _QUOTED_CODE_CHARS else code[:_QUOTED_CODE_CHARS] + "…"
            label = f"inline code `{shown}`"
        elif spans:
            label = "the inline code of consecutive lines"
        else:
            self._code_blocks += 1
            label = f"code block {self._code_blocks}"
        only_public = False
        reference = self._exercise.reference
        if reference is not None:
            match = compare(code, reference)
            only_public = match.only_public
            if is_significant(match, reference, self._settings.min_code_tokens):
                self._coverage.add(match)
                self._judge_similarity(label, start, end, match)
                together = self._coverage.score(reference)
                if not self._blocked and together >= self._settings.similarity_block:
                    message = f"the reply's code together reproduces {together:.0%} of the solution"
                    self._add(Finding("similar_code", "block", message, start, end, together))
        cross = self._exercise.cross_reference
        if not self._blocked and cross is not None and not inline:
            share = translated_share(code, cross, self._exercise.context.language)
            if share >= CROSS_LANGUAGE_BLOCK:
                message = (
                    f"{label} reproduces {share:.0%} of the reference solution in another language"
                )
                self._add(Finding("similar_code", "block", message, start, end, share))
        if not self._blocked and self._solution_check is not None:
            joinable = not (inline or hidden_in)
            how = self._solution_check.passing_file(code, only_public, joinable=joinable)
            if how is not None:
                message = f"{label} passes the exercise's tests {how}"
                self._add(Finding("passes_tests", "block", message, start, end))
        if not self._blocked and not hidden_in and self._exercise.context.language == "python":
            for hidden in decoded_code(as_module(code)):
                self._check_code(start, end, hidden, hidden_in=label)
                if self._blocked:
                    return
        if (
            not (self._blocked or inline or only_public or hidden_in)
            and self._held_from is None
            and self._exercise.context.language == "python"
            and _DEFINITION.search(as_module(code))
        ):
            self._held_from = start

    def _judge_similarity(self, label: str, start: int, end: int, match: CodeMatch) -> None:
        """Block a copy of the solution; redact a copy of one of its functions, or of half."""
        block, redact = self._settings.similarity_block, self._settings.similarity_redact
        score = match.score
        if score >= block:
            message = f"{label} reproduces {score:.0%} of the reference solution"
            self._add(Finding("similar_code", "block", message, start, end, score))
        elif match.best_unit is not None and match.best_unit_score >= block:
            score = match.best_unit_score
            message = (
                f"{label} reproduces {match.best_unit} of the reference solution ({score:.0%})"
            )
            self._add(Finding("similar_code", "redact", message, start, end, score))
        elif score >= redact:
            message = f"{label} reproduces {score:.0%} of the reference solution"
            self._add(Finding("similar_code", "redact", message, start, end, score))

    def _find_values(self, final: bool) -> None:
        values = self._exercise.values
        end = len(self._text)
        start = max(0, self._values_scanned_to - values.longest - MATCH_LOOKAHEAD_CHARS)
        for match in values.find(self._text, start):
            if not final and match.end + MATCH_LOOKAHEAD_CHARS > end:
                break  # the characters after it decide whether it is the whole value
            if (match.start, match.end) in self._values_seen:
                continue
            self._values_seen.add((match.start, match.end))
            value = match.value
            message = f"mentions hidden test value {value.shown} from {value.source}"
            self._add(Finding("hidden_value", "redact", message, match.start, match.end))
        self._values_scanned_to = end

    def _add(self, finding: Finding) -> None:
        self._findings.append(finding)
        if finding.severity == "block":
            self._blocked = True
        elif finding.kind == "hidden_value":
            self._redact(finding.start, finding.end, self._settings.value_placeholder)
        else:
            line_end = "\n" if self._text[finding.end - 1 : finding.end] == "\n" else ""
            self._redact(finding.start, finding.end, self._settings.code_placeholder + line_end)

    # --- Releasing ----------------------------------------------------------------------------

    def _redact(self, start: int, end: int, placeholder: str) -> None:
        """Add a redaction; overlapping ones merge and keep the wider one's placeholder."""
        widest = end - start
        kept = []
        for other in self._redactions:
            if other.end <= start or other.start >= end:
                kept.append(other)
                continue
            if other.end - other.start > widest:
                widest, placeholder = other.end - other.start, other.placeholder
            start, end = min(start, other.start), max(end, other.end)
        kept.append(_Redaction(start, end, placeholder))
        self._redactions = sorted(kept, key=lambda r: r.start)

    def _release_limit(self) -> int:
        limit = len(self._text) - self._exercise.hold_chars
        if self._held_from is not None:
            limit = min(limit, self._held_from)
        if self._span_run is not None and self._span_run.holds:
            limit = min(limit, self._span_run.start)
        if self._fence is not None:
            return min(limit, self._fence.start)
        if self._html is not None:
            return min(limit, self._html.start)
        if self._run is not None:
            return min(limit, self._run.start)
        if self._line_start < len(self._text) and not is_prose_start(self._text, self._line_start):
            return min(limit, self._line_start)  # this line may turn out to be code
        open_span = self._text.find("`", max(self._inline_from, self._line_start))
        return limit if open_span < 0 else min(limit, open_span)

    def _release(self, limit: int) -> str:
        parts = []
        position = self._released
        for redaction in self._redactions:
            if redaction.end <= position:
                continue
            if redaction.start >= limit:
                break
            if redaction.end > limit:
                limit = redaction.start  # all of it, or none of it
                break
            parts += [self._text[position : redaction.start], redaction.placeholder]
            position = redaction.end
        if limit > position:
            parts.append(self._text[position:limit])
            position = limit
        self._released = position
        released = "".join(parts)
        self._output.append(released)
        return released


# A definition at the top level of a code block.
_DEFINITION = re.compile(r"^(?:async\s+def|def|class)\s+([A-Za-z_]\w*)", re.MULTILINE)


def check_reply(
    text: str,
    context: GuardContext,
    settings: GuardSettings | None = None,
    run_code: RunCode | None = None,
) -> Verdict:
    """Judge a complete reply: the same as streaming it in one chunk."""
    guard = StreamGuard(context, settings, run_code)
    guard.push(text)
    return guard.finish().verdict
