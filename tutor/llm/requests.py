"""What callers hand the engine and what they get back; no torch, so any process can import it."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

FinishReason = Literal["stop", "length", "cancelled", "timeout", "error"]


@dataclass(frozen=True)
class GenerationRequest:
    """One completion to run.

    `prompt` is text (tokenized with the tokenizer's special tokens, e.g. BOS) or ready token ids
    (used as they are; prompts.BuiltPrompt hands over ids so student text can't smuggle in
    control tokens). `deadline_seconds` counts from submission, queue time included.
    """

    prompt: str | Sequence[int]
    max_new_tokens: int = 256
    stop: tuple[str, ...] = ()
    deadline_seconds: float = 60.0
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int | None = None
    # (role, text) turns for a model server's chat endpoint (remote.py), which applies the
    # model's chat template itself; `prompt` then only describes them for logs.
    messages: tuple[tuple[str, str], ...] = ()
    # A tutor's answer must say something: until its first visible text, a token that would end
    # it (a stop token, the start of a stop string) is passed over for the next likeliest. A
    # completion may rightly be empty.
    nonempty: bool = False
    # Waits ahead of every request that is not (an inline completion: short, and worthless
    # once the student has typed on).
    urgent: bool = False

    def __post_init__(self) -> None:
        if self.max_new_tokens < 1:
            raise ValueError("max_new_tokens must be at least 1")
        if self.deadline_seconds <= 0:
            raise ValueError("deadline_seconds must be positive")
        if self.temperature < 0:
            raise ValueError("temperature must not be negative")
        if not 0 < self.top_p <= 1:
            raise ValueError("top_p must be in (0, 1]")


@dataclass(frozen=True)
class TokenDelta:
    """New reply text, safe to show: whole characters, stop strings already cut out."""

    text: str


@dataclass(frozen=True)
class QueueStatus:
    """Where a request stands. position is 0 once it runs, 1 for the next in line, and so on."""

    state: Literal["waiting", "running", "finished"]
    position: int
    estimated_wait_seconds: float


@dataclass(frozen=True)
class Finished:
    """The last event of every request, whatever happened to it."""

    reason: FinishReason
    text: str
    prompt_tokens: int
    completion_tokens: int
    first_token_seconds: float | None
    total_seconds: float
    error: str | None = None
    # Prompt tokens not prefilled: their KV cache came from an earlier prompt with the same start.
    reused_prompt_tokens: int = 0


# QueueStatus only comes when asked for: RequestHandle.events(status_every_seconds=...).
Event = TokenDelta | QueueStatus | Finished
