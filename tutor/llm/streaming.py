"""From tokens to text a browser can show: detokenize, cut at stop strings, coalesce."""

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, cast

from tutor.llm.requests import Event, Finished, TokenDelta

# What a byte-level tokenizer decodes an incomplete UTF-8 sequence to.
_REPLACEMENT_CHARACTER = "\ufffd"


class Detokenizer(Protocol):
    def decode(self, token_ids: list[int], skip_special_tokens: bool = ...) -> str | list[str]: ...


class IncrementalDecoder:
    """Decodes one token at a time into text deltas that never split a character.

    Decoding each token alone breaks both multi-byte characters (an emoji spans several byte
    tokens) and SentencePiece spacing (a word's leading space depends on its neighbour). So we
    decode a short window that starts a few tokens back, and only release text once it no longer
    ends in an incomplete character.
    """

    def __init__(self, tokenizer: Detokenizer) -> None:
        self._tokenizer = tokenizer
        self._token_ids: list[int] = []
        self._prefix_offset = 0
        self._read_offset = 0

    def push(self, token_id: int) -> str:
        text = self.peek(token_id)
        self._token_ids.append(token_id)
        if text:
            self._prefix_offset = self._read_offset
            self._read_offset = len(self._token_ids)
        return text

    def peek(self, token_id: int) -> str:
        """The text push(token_id) would release, without pushing it."""
        window = self._token_ids[self._prefix_offset :]
        already_shown = self._decode(window[: self._read_offset - self._prefix_offset])
        with_new_token = self._decode([*window, token_id])
        if len(with_new_token) <= len(already_shown) or with_new_token.endswith(
            _REPLACEMENT_CHARACTER
        ):
            return ""
        return with_new_token[len(already_shown) :]

    def _decode(self, token_ids: list[int]) -> str:
        # One list of ids in, one string out (a batch of lists would give a list).
        return cast(str, self._tokenizer.decode(token_ids, skip_special_tokens=True))


class StopStringMatcher:
    """Cuts the stream at the first stop string, holding back text that might begin one."""

    def __init__(self, stop_strings: Iterable[str]) -> None:
        self._stops = tuple(stop for stop in stop_strings if stop)
        self._pending = ""

    def push(self, text: str) -> tuple[str, bool]:
        """Returns (text safe to show now, whether a stop string was reached)."""
        self._pending += text
        first_stop = min(
            (index for stop in self._stops if (index := self._pending.find(stop)) >= 0),
            default=-1,
        )
        if first_stop >= 0:
            safe, self._pending = self._pending[:first_stop], ""
            return safe, True
        held = self._longest_partial_stop_suffix()
        cut = len(self._pending) - held
        safe, self._pending = self._pending[:cut], self._pending[cut:]
        return safe, False

    @property
    def stops(self) -> tuple[str, ...]:
        return self._stops

    @property
    def pending(self) -> str:
        """Text held back because it might begin a stop string."""
        return self._pending

    def flush(self) -> str:
        """The held-back text, once the stream ends without reaching a stop string."""
        rest, self._pending = self._pending, ""
        return rest

    def _longest_partial_stop_suffix(self) -> int:
        longest = 0
        for stop in self._stops:
            for length in range(min(len(stop) - 1, len(self._pending)), longest, -1):
                if self._pending.endswith(stop[:length]):
                    longest = length
                    break
        return longest


class TokenCoalescer:
    """Groups small deltas into fewer messages for the transport (WebSocket, Redis).

    A chunk is released when `max_deltas` deltas are pending or the oldest pending one has waited
    `max_delay_seconds`; there is no timer thread, so a time-based flush happens on the next add.
    """

    def __init__(
        self,
        max_deltas: int = 8,
        max_delay_seconds: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_deltas = max_deltas
        self._max_delay_seconds = max_delay_seconds
        self._clock = clock
        self._parts: list[str] = []
        self._oldest_at = 0.0

    def add(self, text: str) -> str | None:
        if not text:
            return None
        if not self._parts:
            self._oldest_at = self._clock()
        self._parts.append(text)
        due = len(self._parts) >= self._max_deltas or (
            self._clock() - self._oldest_at >= self._max_delay_seconds
        )
        return self.flush() if due else None

    def flush(self) -> str | None:
        if not self._parts:
            return None
        chunk = "".join(self._parts)
        self._parts.clear()
        return chunk


def coalesce(events: Iterable[Event], coalescer: TokenCoalescer | None = None) -> Iterator[Event]:
    """Re-chunks a request's events; whatever is pending goes out before Finished."""
    coalescer = coalescer or TokenCoalescer()
    for event in events:
        if isinstance(event, TokenDelta):
            if (chunk := coalescer.add(event.text)) is not None:
                yield TokenDelta(chunk)
            continue
        if isinstance(event, Finished) and (rest := coalescer.flush()) is not None:
            yield TokenDelta(rest)
        yield event
