"""Prompts for a model on a server (remote.py): the same wording as prompts.py, sent as messages.

With the model's tokenizer installed locally, prompts.build_prompt builds the same token ids as
for a local model (FIM completion needs them). Without it, a tutoring prompt goes to the chat
endpoint as the same system and user messages, and the server applies its own chat template;
fields are trimmed to the window by an estimate of their tokens (a token is at least about three
characters of code or English, so the estimate errs long).

Completion without the tokenizer goes to the completions endpoint as text. With the model's FIM
token spellings configured (ServerConfig.fim_tokens; servers read control-token spellings in a
text prompt as the tokens: llama-server, vLLM, Ollama, llama-cpp-python's server), it is a
fill-in-the-middle prompt, the code around the cursor between them; the student's code then has
any spelling of a control token broken up first, so it stays text. Without them, it continues
the code before the cursor, as for a model without FIM tokens.
"""

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from tutor.llm.context import keep_around_cursor, prompt_token_budget
from tutor.llm.prompts import (
    COMPLETION_STOPS,
    SYSTEM_PROMPT,
    BuiltPrompt,
    PromptBuilder,
    PromptContext,
    PromptError,
    Task,
    build_prompt,
)
from tutor.llm.requests import GenerationRequest

if TYPE_CHECKING:
    from tutor.llm.loading import FimTokens, LoadedModel
    from tutor.llm.remote import RemoteModel

_CHARACTERS_PER_TOKEN = 3
# How the control tokens of the common families are spelled: <|endoftext|>, <|fim_prefix|>,
# <fim_prefix>, <file_sep>, <start_of_turn>, <s>, <PRE>... (not code's `List<Integer>`).
_CONTROL_TOKEN_SPELLING = re.compile(
    r"<(\|[^<>|\s]{1,40}\||[a-z]+_[a-z_]+|/?s|bos|eos|pad|unk|filename|reponame|PRE|SUF|MID|EOT)>"
)
# The FIM tokens and end-of-turn markers go in, so a FIM prompt ends with at most a few more.
_FIM_MARKER_TOKENS = 16


@dataclass(frozen=True)
class ChatPrompt:
    """A prompt as chat turns, with the same request() as BuiltPrompt."""

    messages: tuple[tuple[str, str], ...]
    text: str
    stop: tuple[str, ...]
    max_new_tokens: int
    trimmed_fields: tuple[str, ...]

    def request(
        self,
        *,
        deadline_seconds: float = 60.0,
        temperature: float = 0.0,
        seed: int | None = None,
        urgent: bool = False,
    ) -> GenerationRequest:
        return GenerationRequest(
            prompt=self.text,
            messages=self.messages,
            max_new_tokens=self.max_new_tokens,
            stop=self.stop,
            deadline_seconds=deadline_seconds,
            temperature=temperature,
            seed=seed,
            urgent=urgent,
        )


def build_any_prompt(
    model: "LoadedModel | RemoteModel",
    task: Task,
    context: PromptContext,
    *,
    max_new_tokens: int,
    max_prompt_tokens: int | None = None,
    **options: Any,
) -> BuiltPrompt | ChatPrompt:
    """prompts.build_prompt for a local model or a server's model with its tokenizer here;
    chat messages for a server's model without it."""
    from tutor.llm.remote import RemoteModel

    if not isinstance(model, RemoteModel) or model.tokenizer is not None:
        return build_prompt(
            cast("LoadedModel", model),
            task,
            context,
            max_new_tokens=max_new_tokens,
            max_prompt_tokens=max_prompt_tokens,
            **options,
        )
    budget = prompt_token_budget(
        model.info.context_window, model.info.kv_budget_tokens, max_new_tokens, max_prompt_tokens
    )
    if task is Task.COMPLETE:
        if model.info.fim_tokens is not None:
            return _fim_completion(model.info.fim_tokens, context, budget, max_new_tokens)
        return _completion(context, budget, max_new_tokens)
    builder = _MessageBuilder(model, context, budget, max_new_tokens)
    built = builder.tutoring(task)
    return ChatPrompt(
        messages=builder.messages,
        text=builder.messages[-1][1],
        stop=built.stop,
        max_new_tokens=max_new_tokens,
        trimmed_fields=built.trimmed_fields,
    )


def estimated_tokens(text: str) -> int:
    return -(-len(text) // _CHARACTERS_PER_TOKEN)


def _completion(context: PromptContext, budget: int, max_new_tokens: int) -> ChatPrompt:
    code = context.student_code
    cursor = len(code) if context.cursor_offset is None else context.cursor_offset
    kept = keep_around_cursor(code[:cursor], "", budget, estimated_tokens)[0]
    # No messages: remote.py sends the text to the completions endpoint.
    return ChatPrompt((), kept, ("\n\n",), max_new_tokens, ("code",) if kept != code else ())


def _fim_completion(
    fim: "FimTokens", context: PromptContext, budget: int, max_new_tokens: int
) -> ChatPrompt:
    """prompts.py's FIM completion as text: the same parts in the same order, for a server that
    reads the FIM tokens' spellings as the tokens."""
    code = context.student_code
    cursor = len(code) if context.cursor_offset is None else context.cursor_offset
    before, after = plain_text(code[:cursor]), plain_text(code[cursor:])
    header = plain_text(context.completion_header())
    available = budget - estimated_tokens(header) - _FIM_MARKER_TOKENS
    if available <= 0:
        raise PromptError("the model's context is too small for a completion")
    kept_before, kept_after = keep_around_cursor(before, after, available, estimated_tokens)
    text = f"{fim.prefix}{header}{kept_before}{fim.suffix}{kept_after}{fim.middle}"
    # Cut here too: a server may show a control token that ends the completion as text.
    stops = (*COMPLETION_STOPS, fim.prefix, fim.suffix, fim.middle)
    trimmed = ("code",) if len(kept_before) < len(before) else ()
    return ChatPrompt((), text, stops, max_new_tokens, trimmed)


def plain_text(text: str) -> str:
    """Text that a server parsing control-token spellings reads as text: a zero-width space
    after the "<" of anything spelled like one (`<|endoftext|>`, `<fim_middle>`)."""
    return _CONTROL_TOKEN_SPELLING.sub("<\u200b\\1>", text)


class _MessageBuilder(PromptBuilder):
    """prompts.py's builder with estimated token counts, rendering chat messages."""

    def __init__(
        self, model: "RemoteModel", context: PromptContext, budget: int, max_new_tokens: int
    ) -> None:
        self.info = model.info
        self.context = context
        self.budget = budget
        self.max_new_tokens = max_new_tokens
        # The full wording: a server's model is not the tiny demo model (prompt styles: 15a).
        self.style = "full"
        self.compact = False
        self.messages: tuple[tuple[str, str], ...] = ()

    def encode_data(self, text: str) -> list[int]:
        return [0] * estimated_tokens(text)

    def render(self, task: Task, fields: dict[str, str]) -> list[int]:
        user_message = self.user_message(task, fields)
        self.messages = (("system", SYSTEM_PROMPT), ("user", user_message))
        # Each turn's template markers: a few tokens.
        return self.encode_data(SYSTEM_PROMPT + user_message) + [0] * 16

    def built(
        self,
        token_ids: list[int],
        stop: tuple[str, ...],
        uses_chat_template: bool,
        uses_fim_tokens: bool,
        trimmed: tuple[str, ...],
    ) -> BuiltPrompt:
        return BuiltPrompt((), "", stop, self.max_new_tokens, True, False, trimmed)
