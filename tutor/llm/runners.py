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

Both keep the prompts of recent requests (prefix holders) so that a prompt starting like one of
them (students of one exercise: the system prompt and the exercise) takes that start's KV cache
instead of computing it again; see reuse_prefix.
"""

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import torch
from torch import nn
from transformers import DynamicCache, PretrainedConfig
from transformers.cache_utils import DynamicLayer

from tutor.llm.batch import PaddedBatch, new_cache, supports_joining
from tutor.llm.loading import LoadedModel

if TYPE_CHECKING:
    from tutor.llm.llamacpp import LlamaCppModel

logger = logging.getLogger(__name__)

# A shorter shared prefix is not worth a KV stream copy.
_MIN_REUSED_TOKENS = 32


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

    def reuse_prefix(self, state: object, token_ids: list[int]) -> int:
        """Puts the KV cache of a prefix the runner still holds from an earlier prompt (the
        system prompt and exercise students of one exercise share) into a new sequence; returns
        how many of its first tokens need no prefill. Always fewer than all: the last prompt
        token must run to give the first logits."""
        return 0

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
        to come), all finish, plus what held prefixes take from the same budget; the engine
        compares it with its kv_budget_tokens."""

    def drop_held(self) -> bool:
        """Lets go of held prefixes that take KV budget a request needs; returns whether that
        freed anything."""
        return False

    @abstractmethod
    def close(self) -> None:
        """Frees what the runner holds; called once, from the scheduler thread, at the end."""


def make_runner(
    loaded: LoadedModel, max_batch_size: int, kv_budget_tokens: int, prefix_holders: int = 0
) -> Runner:
    if loaded.llama is not None:
        return LlamaCppRunner(loaded.llama, max_batch_size, kv_budget_tokens, prefix_holders)
    return TransformersRunner(loaded, max_batch_size, prefix_holders)


@dataclass(eq=False)
class _Prefill:
    """A transformers sequence being prefilled: its own cache and the prompt tokens in it."""

    cache: DynamicCache
    tokens: list[int] = field(default_factory=list)
    reused: bool = False


@dataclass(eq=False)
class _HeldPrefix:
    tokens: list[int]
    # Per layer, the prompt's keys and values, (1, heads, tokens, head size) each.
    states: list[tuple[torch.Tensor, torch.Tensor]]


class TransformersRunner(Runner):
    """Prefills into a sequence's own DynamicCache, then merges it into a PaddedBatch.

    prefix_holders: prompts kept after their prefill (each layer's keys and values of one
    prompt, no copy: the batch's cache only ever replaces its tensors, never writes into them).
    A new prompt starting like a held one gets that start's keys and values copied into its
    cache and prefills only the rest. The held tokens count against the KV budget (kv_tokens),
    and are let go of when a request needs the room. Full-attention caches only: a sliding
    window layer keeps only its last tokens, which are not a prefix's.
    """

    def __init__(self, loaded: LoadedModel, max_batch_size: int, prefix_holders: int = 0) -> None:
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
        self._holders = prefix_holders if _full_attention_only(self._model.config) else 0
        self._held: list[_HeldPrefix] = []  # least recently used first

    def begin(self) -> object:
        return _Prefill(new_cache(self._model.config))

    def reuse_prefix(self, state: object, token_ids: list[int]) -> int:
        prefill = cast(_Prefill, state)
        best, shared = None, 0
        for held in self._held:
            length = _common_prefix(held.tokens, token_ids)
            if length > shared:
                best, shared = held, length
        shared = min(shared, len(token_ids) - 1)
        if best is None or shared < _MIN_REUSED_TOKENS:
            return 0
        for layer, (keys, values) in enumerate(best.states):
            # update() concatenates into new tensors: the held ones stay as they are.
            prefill.cache.update(keys[:, :, :shared], values[:, :, :shared], layer)
        self._held.remove(best)
        self._held.append(best)
        prefill.tokens = token_ids[:shared]
        prefill.reused = True
        return shared

    def prefill(self, state: object, token_ids: list[int], start: int) -> torch.Tensor:
        prefill = cast(_Prefill, state)
        device = self._model.device
        output = self._model(
            input_ids=torch.tensor([token_ids], device=device),
            position_ids=torch.arange(start, start + len(token_ids), device=device).unsqueeze(0),
            cache=prefill.cache,
            use_cache=True,
            logits_to_keep=1,
        )
        prefill.tokens.extend(token_ids)
        return output.logits[:, -1, :].float()

    def join(self, state: object, length: int) -> None:
        prefill = cast(_Prefill, state)
        self._hold(prefill)
        self._batch.add(prefill.cache, length)

    def _hold(self, prefill: _Prefill) -> None:
        """Keeps a fully prefilled prompt, unless it came from a held one (which then holds its
        shared part already); the least recently used one goes."""
        if not self._holders or prefill.reused or len(prefill.tokens) < _MIN_REUSED_TOKENS:
            return
        states = []
        for layer in _full_layers(prefill.cache):
            if layer.keys is None or layer.values is None:
                return
            states.append((layer.keys, layer.values))
        self._held.append(_HeldPrefix(list(prefill.tokens), states))
        del self._held[: -self._holders]

    def drop_held(self) -> bool:
        dropped = bool(self._held)
        self._held = []
        return dropped

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
        self._held = []

    def kv_tokens(self, sequences: list[tuple[int, int]]) -> int:
        # Rows times the widest padded length the batch could reach, and the held prompts.
        held = sum(len(prefix.tokens) for prefix in self._held)
        if not sequences:
            return held
        widest = max(length for length, _ in sequences) + max(rest for _, rest in sequences)
        return len(sequences) * widest + held


class LlamaCppRunner(Runner):
    """One llama.cpp sequence id per sequence, from its prefill until it leaves the batch.

    kv_budget_tokens is per sequence here: each has a KV stream of that many tokens.

    prefix_holders: extra sequences that keep the prompts of recent requests (see
    reuse_prefix). A new prompt that starts like a held one copies the held KV stream (one
    memory copy, llama_memory_seq_cp) and cuts it after the shared tokens, instead of computing
    them again: for students of one exercise, the system prompt and the exercise. The copy is
    exact (the same tokens at the same positions give the same keys and values). A sequence
    that reused a held prefix is not held again; one that did not replaces the least recently
    used holder.
    """

    def __init__(
        self,
        model: "LlamaCppModel",
        max_batch_size: int,
        kv_budget_tokens: int,
        prefix_holders: int = 0,
    ) -> None:
        from tutor.llm.llamacpp import LlamaCppBatch

        self.max_batch_size = max_batch_size
        self.vocab_size = model.vocab_size
        self._batch: LlamaCppBatch = LlamaCppBatch(
            model, max_batch_size + prefix_holders, kv_budget_tokens
        )
        self._free = list(range(max_batch_size))
        # Holder sequence id -> the prompt tokens it holds; least recently used first.
        self._held: dict[int, list[int]] = {
            max_batch_size + holder: [] for holder in range(prefix_holders)
        }
        self._prompts: dict[int, list[int]] = {}  # prefilled tokens of sequences not yet joined
        self._reused: set[int] = set()
        self._rows: list[int] = []  # each row's sequence id
        self._positions: list[int] = []  # each row's length: the position of its next token
        self._warm_up()

    def begin(self) -> object:
        # The engine holds at most max_batch_size sequences (prefilling or running) at a time.
        sequence = self._free.pop(0)
        self._prompts[sequence] = []
        return sequence

    def reuse_prefix(self, state: object, token_ids: list[int]) -> int:
        sequence = cast(int, state)
        best, shared = None, 0
        for holder, held in self._held.items():
            length = _common_prefix(held, token_ids)
            if length > shared:
                best, shared = holder, length
        shared = min(shared, len(token_ids) - 1)
        if best is None or shared < _MIN_REUSED_TOKENS:
            return 0
        self._batch.copy_prefix(best, sequence, shared)
        self._held[best] = self._held.pop(best)  # most recently used last
        self._prompts[sequence] = token_ids[:shared]
        self._reused.add(sequence)
        return shared

    def prefill(self, state: object, token_ids: list[int], start: int) -> torch.Tensor:
        sequence = cast(int, state)
        if sequence in self._prompts:
            self._prompts[sequence].extend(token_ids)
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
        sequence = cast(int, state)
        self._hold(sequence)
        self._rows.append(sequence)
        self._positions.append(length)

    def discard(self, state: object) -> None:
        self._release(cast(int, state))

    def _hold(self, sequence: int) -> None:
        """Keeps a fully prefilled prompt in the least recently used holder, unless it came
        from a holder (which then holds its shared part already)."""
        prompt = self._prompts.pop(sequence, [])
        if not self._held or sequence in self._reused or len(prompt) < _MIN_REUSED_TOKENS:
            return
        holder = next(iter(self._held))
        self._batch.forget(holder)
        self._batch.copy_prefix(sequence, holder, len(prompt))
        del self._held[holder]
        self._held[holder] = prompt

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
        self._prompts.pop(sequence, None)
        self._reused.discard(sequence)
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


def _full_attention_only(config: PretrainedConfig) -> bool:
    return all(type(layer) is DynamicLayer for layer in new_cache(config).layers)


def _full_layers(cache: DynamicCache) -> list[DynamicLayer]:
    return [cast(DynamicLayer, layer) for layer in cache.layers]


def _common_prefix(first: list[int], second: list[int]) -> int:
    length = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        length += 1
    return length
