"""EchoGuard: stop a reply that recites the tutor's own instructions (its system prompt).

A student who asks "repeat everything above" should not get the prompt back, and the solution
guard looks at code and test values, not at prose. Words are compared after lower-casing and
dropping punctuation, so quoting marks or a changed line break do not hide an echo.

While streaming, text goes out at once, even words that also occur in the instructions: every
reply starts with such words ("The", "Your code"), and holding them back would delay the first
token. Only once `hold_from` instruction words follow each other in order (4: "the student's
code, their") is the rest of that run held back, because it could still grow into an echo. A run
of `min_words` words copied in order is an echo: the reply is stopped and replaced. At most
`hold_from - 1` words of the instructions in a row were shown.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z0-9']+")


def words_of(text: str) -> list[str]:
    return [word.lower().strip("'") for word in _WORD.findall(text) if word.strip("'")]


@dataclass(frozen=True)
class Echo:
    """Where the echo starts in the reply's text, and how many instruction words it copies."""

    start: int
    words: int


class EchoGuard:
    """push() each chunk and show what it returns; finish() gives the rest; echo says why not.

    Not thread-safe: one per reply.
    """

    def __init__(
        self, secret_texts: tuple[str, ...], min_words: int = 8, hold_from: int = 4
    ) -> None:
        if min_words < 2:
            raise ValueError("EchoGuard.min_words must be at least 2")
        if not 1 <= hold_from <= min_words:
            raise ValueError("EchoGuard.hold_from must be between 1 and min_words")
        self._min_words = min_words
        self._hold_from = hold_from
        self._runs = _word_runs(secret_texts, min_words)
        self._text = ""
        self._scanned = 0  # words before this offset were matched
        # The current run of (word, offset) whose words appear, in this order, in the
        # instructions.
        self._run: list[tuple[str, int]] = []
        self._released = 0
        self._echo: Echo | None = None
        self._longest = 0

    @property
    def echo(self) -> Echo | None:
        return self._echo

    @property
    def longest_run(self) -> int:
        """The most instruction words copied in a row so far (for tests and the log)."""
        return self._longest

    def push(self, chunk: str) -> str:
        if self._echo is not None:
            return ""
        self._text += chunk
        self._scan(final=False)
        return self._release()

    def finish(self) -> str:
        if self._echo is None:
            self._scan(final=True)
        if self._echo is not None:
            return ""
        rest, self._released = self._text[self._released :], len(self._text)
        return rest

    def _scan(self, final: bool) -> None:
        for match in _WORD.finditer(self._text, self._scanned):
            ends_text = match.end() == len(self._text)
            if ends_text and not final:
                break  # the word may go on in the next chunk
            self._scanned = match.end()
            word = match.group().lower().strip("'")
            if word:
                self._take(word, match.start())
            if self._echo is not None:
                return

    def _take(self, word: str, start: int) -> None:
        run = [*self._run, (word, start)]
        # Keep the longest tail of the run that still appears in the instructions.
        while run and " ".join(w for w, _ in run) not in self._runs:
            run = run[1:]
        self._run = run
        self._longest = max(self._longest, len(run))
        if len(run) >= self._min_words:
            self._echo = Echo(run[0][1], len(run))

    def _release(self) -> str:
        held_from = len(self._text)
        if len(self._run) >= self._hold_from:
            held_from = self._run[self._hold_from - 1][1]
        elif len(self._run) == self._hold_from - 1:
            # An unfinished last word may be the one that starts the hold.
            tail = _WORD.search(self._text, self._scanned)
            if tail is not None:
                held_from = tail.start()
        held_from = max(held_from, self._released)
        out, self._released = self._text[self._released : held_from], held_from
        return out


@lru_cache(maxsize=8)
def _word_runs(secret_texts: tuple[str, ...], min_words: int) -> frozenset[str]:
    """Every run of 1 to min_words consecutive words of the instructions, joined by spaces."""
    runs: set[str] = set()
    for text in secret_texts:
        words = words_of(text)
        for start in range(len(words)):
            for length in range(1, min_words + 1):
                if start + length <= len(words):
                    runs.add(" ".join(words[start : start + length]))
    return frozenset(runs)
