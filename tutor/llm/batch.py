"""A left-padded batch of sequences decoding together, which sequences can join and leave.

Each sequence is prefilled alone (no padding, so no fully masked query rows) and its KV cache is
then merged into the batch's: every layer's keys and values are right-aligned and zero-padded on
the left to a common width, and the attention mask marks the padding. The causal mask works on
cache columns, which stay aligned because every row grows by one column per step; rotary
positions come from each row's own length through position_ids. A sequence that finishes leaves
at once (its row is dropped), and padding columns no remaining row needs are cut off.

Works for transformers' DynamicCache made of full-attention and sliding-window layers (Llama,
Qwen2, StableLM, Gemma 3 and most decoder-only models). Other cache types (linear attention,
KV sharing, offloading) are not supported; `supports_joining` tells the engine to run those one
sequence at a time.
"""

from typing import Any, cast

import torch
import torch.nn.functional as F
from transformers import DynamicCache, PretrainedConfig
from transformers.cache_utils import DynamicLayer, DynamicSlidingWindowLayer


def new_cache(config: PretrainedConfig) -> DynamicCache:
    return DynamicCache(config=config)


def supports_joining(config: PretrainedConfig) -> bool:
    return all(
        type(layer) in (DynamicLayer, DynamicSlidingWindowLayer)
        for layer in new_cache(config).layers
    )


class PaddedBatch:
    def __init__(self) -> None:
        self.cache: DynamicCache | None = None
        # (rows, columns): 1 where a cache column holds a real token of that row.
        self.mask = torch.zeros((0, 0), dtype=torch.long)
        # (rows,): the position id of each row's next token, i.e. its real length.
        self.positions = torch.zeros((0,), dtype=torch.long)

    @property
    def width(self) -> int:
        """Cache columns per row, padding included."""
        return int(self.mask.shape[1])

    def add(self, cache: DynamicCache, length: int) -> None:
        """Appends a sequence prefilled alone into `cache`, holding `length` tokens."""
        device = self.mask.device if self.cache is not None else _cache_device(cache)
        row_mask = torch.ones((1, length), dtype=torch.long, device=device)
        row_position = torch.tensor([length], dtype=torch.long, device=device)
        if self.cache is None:
            self.cache, self.mask, self.positions = cache, row_mask, row_position
            return
        width = max(self.width, length)
        for batch_layer, row_layer in zip(_layers(self.cache), _layers(cache), strict=True):
            batch_keys, batch_values = _states(batch_layer)
            row_keys, row_values = _states(row_layer)
            columns = max(batch_keys.shape[-2], row_keys.shape[-2])
            batch_layer.keys = torch.cat(
                [_pad_left(batch_keys, columns), _pad_left(row_keys, columns)]
            )
            batch_layer.values = torch.cat(
                [_pad_left(batch_values, columns), _pad_left(row_values, columns)]
            )
            if isinstance(batch_layer, DynamicSlidingWindowLayer):
                batch_layer.cumulative_length = width
        self.mask = torch.cat(
            [_pad_mask_left(self.mask, width), _pad_mask_left(row_mask, width)], dim=0
        )
        self.positions = torch.cat([self.positions, row_position])

    def keep(self, rows: list[int]) -> None:
        """Drops every row not listed, then the padding columns no kept row uses."""
        if not rows:
            self.cache = None
            self.mask = self.mask[:0, :0]
            self.positions = self.positions[:0]
            return
        assert self.cache is not None
        index = torch.tensor(rows, dtype=torch.long, device=self.mask.device)
        for layer in _layers(self.cache):
            layer.batch_select_indices(index)
        self.mask = self.mask[index]
        self.positions = self.positions[index]
        # argmax finds each row's first real column (the first maximum wins).
        unused = int(self.mask.argmax(dim=1).min())
        if unused:
            self._drop_leading_columns(unused)

    def step(self, model: Any, tokens: torch.Tensor) -> torch.Tensor:
        """Feeds one token per row; returns the next-token logits, (rows, vocab) in float32."""
        assert self.cache is not None
        mask = torch.cat([self.mask, torch.ones_like(self.mask[:, :1])], dim=1)
        output = model(
            input_ids=tokens.view(-1, 1),
            attention_mask=mask,
            position_ids=self.positions.view(-1, 1),
            cache=self.cache,
            use_cache=True,
        )
        self.mask = mask
        self.positions = self.positions + 1
        return output.logits[:, -1, :].float()

    def _drop_leading_columns(self, count: int) -> None:
        assert self.cache is not None
        new_width = self.width - count
        for layer in _layers(self.cache):
            keys, values = _states(layer)
            stored = keys.shape[-2]
            # A sliding layer stores only the last min(width, window - 1) columns.
            drop = stored - min(new_width, stored)
            if drop:
                layer.keys = keys[:, :, drop:, :]
                layer.values = values[:, :, drop:, :]
            if isinstance(layer, DynamicSlidingWindowLayer):
                layer.cumulative_length = new_width
        self.mask = self.mask[:, count:]


def _layers(cache: DynamicCache) -> list[DynamicLayer]:
    # supports_joining() vetted the layer types before the engine batched anything.
    return [cast(DynamicLayer, layer) for layer in cache.layers]


def _states(layer: DynamicLayer) -> tuple[torch.Tensor, torch.Tensor]:
    if layer.keys is None or layer.values is None:
        raise ValueError("a KV cache layer is empty: the sequence was not prefilled")
    return layer.keys, layer.values


def _cache_device(cache: DynamicCache) -> torch.device:
    return _states(_layers(cache)[0])[0].device


def _pad_left(states: torch.Tensor, columns: int) -> torch.Tensor:
    missing = columns - states.shape[-2]
    return F.pad(states, (0, 0, missing, 0)) if missing else states


def _pad_mask_left(mask: torch.Tensor, columns: int) -> torch.Tensor:
    missing = columns - mask.shape[1]
    return F.pad(mask, (missing, 0)) if missing else mask
