"""The model-specific half of the engine: turning token ids into next-token logits, batched.

The engine (engine.py) schedules, samples, streams and keeps time; a runner owns the model's
state for the sequences it runs. A sequence is first prefilled on its own (in chunks, through a
state that begin() returns), then joins the decode batch as its last row; every decode step feeds
one token per row; rows leave when their request ends. Logits come back as float32 torch rows,
so sampling is the same whatever runs the model.

- TransformersRunner: a transformers model and a left-padded KV cache batch (batch.py). Any
  local folder or .gguf file, on any device.
- LlamaCppRunner: llama.cpp on a .gguf file (llamacpp.py), CPU; one llama.cpp sequence, with
  a KV stream of its own, per row.
"""

import logging
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, cast

import torch
from torch import nn
from transformers import DynamicCache

from tutor.llm.batch import PaddedBatch, new_cache, supports_joining
from tutor.llm.loading import LoadedModel

if TYPE_CHECKING:
    from tutor.llm.llamacpp import LlamaCppModel

logger = logging.getLogger(__name__)


class Runner(ABC):
    """Runs one model for the engine's scheduler thread (and only that thread)."""

    vocab_size: int
    # Rows the decode batch may hold (the engine's max_batch_size, or less if the model can't).
    max_batch_size: int

    @abstractmethod
    def begin(self) -> object:
        """A new sequence's prefill state."""

    @abstractmethod
    def prefill(self, state: object, token_ids: list[int], start: int) -> torch.Tensor:
        """Feeds the sequence's prompt tokens at positions start.. ; returns the logits after the
        last one, (1, vocab) float32."""

    @abstractmethod
    def join(self, state: object, length: int) -> None:
        """Appends a fully prefilled sequence of `length` tokens as the batch's last row."""

    @abstractmethod
    def discard(self, state: object) -> None:
        """Frees a sequence that leaves before joining the batch."""

    @abstractmethod
    def step(self, tokens: list[int]) -> torch.Tensor:
        """Feeds one token per row; returns the next-token logits, (rows, vocab) float32."""

    @abstractmethod
    def keep(self, rows: list[int]) -> None:
        """Drops every row not listed; the kept rows keep their order."""

    @abstractmethod
    def drop_all(self) -> None:
        """Empties the batch (after a failed step, or when the engine closes)."""

    @abstractmethod
    def kv_tokens(self, sequences: list[tuple[int, int]]) -> int:
        """KV cache tokens the batch needs until its sequences, as (tokens so far, tokens still
        to come), all finish; the engine compares it with its kv_budget_tokens."""

    @abstractmethod
    def close(self) -> None:
        """Frees what the runner holds; called once, from the scheduler thread, at the end."""


def make_runner(loaded: LoadedModel, max_batch_size: int, kv_budget_tokens: int) -> Runner:
    if loaded.llama is not None:
        return LlamaCppRunner(loaded.llama, max_batch_size, kv_budget_tokens)
    return TransformersRunner(loaded, max_batch_size)


class TransformersRunner(Runner):
    """Prefills into a sequence's own DynamicCache, then merges it into a PaddedBatch."""

    def __init__(self, loaded: LoadedModel, max_batch_size: int) -> None:
        self._model = loaded.transformers_model
        self.vocab_size = cast(nn.Embedding, self._model.get_input_embeddings()).num_embeddings
        if max_batch_size > 1 and not supports_joining(self._model.config):
            logger.warning(
                "%s's KV cache cannot be batched here; serving one request at a time",
                loaded.info.architecture,
            )
            max_batch_size = 1
        self.max_batch_size = max_batch_size
        self._batch = PaddedBatch()

    def begin(self) -> object:
        return new_cache(self._model.config)

    def prefill(self, state: object, token_ids: list[int], start: int) -> torch.Tensor:
        device = self._model.device
        output = self._model(
            input_ids=torch.tensor([token_ids], device=device),
            position_ids=torch.arange(start, start + len(token_ids), device=device).unsqueeze(0),
            cache=cast(DynamicCache, state),
            use_cache=True,
            logits_to_keep=1,
        )
        return output.logits[:, -1, :].float()

    def join(self, state: object, length: int) -> None:
        self._batch.add(cast(DynamicCache, state), length)

    def discard(self, state: object) -> None:
        pass  # the cache is garbage once the engine lets go of it

    def step(self, tokens: list[int]) -> torch.Tensor:
        return self._batch.step(self._model, torch.tensor(tokens, device=self._model.device))

    def keep(self, rows: list[int]) -> None:
        self._batch.keep(rows)

    def drop_all(self) -> None:
        self._batch = PaddedBatch()

    def close(self) -> None:
        self._batch = PaddedBatch()

    def kv_tokens(self, sequences: list[tuple[int, int]]) -> int:
        # Rows times the widest padded length the batch could reach.
        if not sequences:
            return 0
        widest = max(length for length, _ in sequences) + max(rest for _, rest in sequences)
        return len(sequences) * widest


class LlamaCppRunner(Runner):
    """One llama.cpp sequence id per sequence, from its prefill until it leaves the batch.

    kv_budget_tokens is per sequence here: each has a KV stream of that many tokens.
    """

    def __init__(self, model: "LlamaCppModel", max_batch_size: int, kv_budget_tokens: int) -> None:
        from tutor.llm.llamacpp import LlamaCppBatch

        self.max_batch_size = max_batch_size
        self.vocab_size = model.vocab_size
        self._batch: LlamaCppBatch = LlamaCppBatch(model, max_batch_size, kv_budget_tokens)
        self._free = list(range(max_batch_size))
        self._rows: list[int] = []  # each row's sequence id
        self._positions: list[int] = []  # each row's length: the position of its next token
        self._warm_up()

    def begin(self) -> object:
        # The engine holds at most max_batch_size sequences (prefilling or running) at a time.
        return self._free.pop(0)

    def prefill(self, state: object, token_ids: list[int], start: int) -> torch.Tensor:
        sequence = cast(int, state)
        logits = torch.empty(0)
        piece = self._batch.max_tokens
        for offset in range(0, len(token_ids), piece):
            tokens = token_ids[offset : offset + piece]
            first = start + offset
            logits = self._batch.decode(
                tokens,
                list(range(first, first + len(tokens))),
                [sequence] * len(tokens),
                [len(tokens) - 1],
            )
        return logits

    def join(self, state: object, length: int) -> None:
        self._rows.append(cast(int, state))
        self._positions.append(length)

    def discard(self, state: object) -> None:
        self._release(cast(int, state))

    def step(self, tokens: list[int]) -> torch.Tensor:
        rows = len(self._rows)
        logits = self._batch.decode(tokens, self._positions, self._rows, list(range(rows)))
        self._positions = [position + 1 for position in self._positions]
        return logits

    def keep(self, rows: list[int]) -> None:
        kept = set(rows)
        for row, sequence in enumerate(self._rows):
            if row not in kept:
                self._release(sequence)
        self._rows = [self._rows[row] for row in rows]
        self._positions = [self._positions[row] for row in rows]

    def drop_all(self) -> None:
        self.keep([])

    def kv_tokens(self, sequences: list[tuple[int, int]]) -> int:
        # A stream per sequence: the longest one decides.
        return max((length + rest for length, rest in sequences), default=0)

    def close(self) -> None:
        self._batch.close()

    def _release(self, sequence: int) -> None:
        self._batch.forget(sequence)
        self._free.append(sequence)
        self._free.sort()

    def _warm_up(self) -> None:
        """One token through the model, so the first student does not pay for paging the
        memory-mapped weights in."""
        sequence = cast(int, self.begin())
        try:
            self._batch.decode([0], [0], [sequence], [0])
        finally:
            self._release(sequence)
