"""llama.cpp for .gguf models on the CPU, through llama-cpp-python's low-level (ctypes) API.

Optional: llama-cpp-python comes with the `llamacpp` extra (`pip install -e .[llamacpp]`);
without it LabTutor runs every model through transformers. Only loading.py and runners.py import
this module, which imports llama-cpp-python when first asked to load a file (library).

On the 2-core lab CPU, our engine decodes the embedded SmolLM2-135M Q4_1 file at ~89 tok/s for
one stream on llama.cpp against ~29 tok/s on transformers, which dequantizes the file to fp32:
llama.cpp's quantized kernels read a quarter of the bytes per step, and it has no Python in the
per-layer loop (bench/llm_engine.py; 8 streams at once: ~174 against ~114 in fp32, ~181 in
bf16).

What stays ours: the tokenizer (the one transformers builds from the same file; check_vocabulary
proves that its ids mean what llama.cpp's mean), sampling, stop tokens and strings, streaming,
scheduling. llama.cpp only turns token ids into next-token logits, for many sequences at once:
one llama_decode call takes a batch of tokens each tagged with a sequence id.

Each sequence has a KV cache stream of its own (llama.cpp's kv_unified off), allocated up front.
One pool shared by all sequences would need less memory, but a sequence's tokens then land in
whatever cells are free, interleaved with the others' and out of order once some have left, and
attention sums them in cell order: the same request then gives a slightly different (float
rounding) and eventually different greedy reply depending on what else runs. With a stream per
sequence a request's reply does not depend on its neighbours (tests/llm/test_llamacpp_backend.py
checks it), and decoding 8 streams measured as fast as one pool here.
"""

import ctypes
import logging
import threading
import weakref
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import numpy as np
import torch

from tutor.llm.precision import cpu_flags, default_threads

logger = logging.getLogger(__name__)

# Tokens one llama_decode call takes (a longer prefill chunk is fed in pieces); llama.cpp splits
# them further into micro-batches of _UBATCH_TOKENS.
_BATCH_TOKENS = 2048
_UBATCH_TOKENS = 512
# llama.cpp rounds a sequence's KV stream up to a multiple of this.
_CONTEXT_ROUNDING = 256
# Texts whose tokenization both tokenizers must agree on: code, prose, whitespace runs,
# non-ASCII, digits, and the control tokens of common chat formats.
_PROBE_TEXTS = (
    "def fibonacci(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n",
    "Explain why the test fails: AssertionError: expected 3, got 4.",
    '\tfor (int i = 0; i < 10; ++i) {  printf("%d\\n", i);  }\r\n\n\n',
    "Größe: 12.5 €, naïve café — 中文 🙂  1234567890",
    "<|im_start|>user\nWhy?<|im_end|>\n<|im_start|>assistant\n",
    "<start_of_turn>user\nHello<end_of_turn>\n<bos><eos>",
)
# SentencePiece vocabularies write a space as this; llama.cpp stores some tokens with a plain
# space instead (Gemma's whitespace runs), which means the same thing.
_SPIECE_SPACE = "\u2581"


Switch = Literal["auto", "on", "off"]
SWITCH_CHOICES: tuple[Switch, ...] = ("auto", "on", "off")


@dataclass(frozen=True)
class LlamaCppOptions:
    # CPU threads; None: the physical cores this process may use.
    threads: int | None = None
    # Flash attention, "auto" leaving it to llama.cpp (which turns it on for the CPU). Off by
    # default: on the 2-core lab CPU, SmolLM2 with 450-token prompts decoded 86 tok/s without
    # it and 62 with it (8 at once: 169 against 103); Gemma 3 270M lost about 10% without it.
    flash_attention: Switch = "off"
    # Repacking quantized weights for llama.cpp's faster kernels (AMX, or AVX2/NEON layouts);
    # "auto": on, except on CPUs with Intel AMX, see model_params().
    repack: Switch = "auto"


class LlamaCppError(Exception):
    """llama.cpp is missing, cannot load the file, or disagrees with our tokenizer."""


@cache
def available() -> bool:
    """Whether llama-cpp-python is installed and its shared library loads."""
    try:
        library()
    except LlamaCppError:
        return False
    return True


def model_params(repack: Switch = "auto") -> Any:
    """llama.cpp's model parameters for the CPU, by default less its AMX kernels.

    On CPUs with Intel AMX (Sapphire Rapids and later), a llama.cpp compiled for the machine
    (pip builds it so) repacks quantized weights for its AMX kernels, which crash in
    ggml_backend_amx_mul_mat on some machines: llama.cpp issue #20824, and every decode on the
    lab CPU here, with 1 or 2 threads. With repack "auto" the repacking ("extra buffer types")
    is therefore off on such CPUs, and the ordinary AVX-512 kernels run.
    """
    params = library().llama_model_default_params()
    params.n_gpu_layers = 0
    params.use_extra_bufts = repack == "on" or (repack == "auto" and not _cpu_has_amx())
    return params


def _cpu_has_amx() -> bool:
    return "amx_int8" in cpu_flags()


class LlamaCppModel:
    """A .gguf file loaded by llama.cpp: its weights and vocabulary, shared by contexts."""

    def __init__(self, path: Path, options: LlamaCppOptions | None = None) -> None:
        options = options or LlamaCppOptions()
        lib = library()
        params = model_params(options.repack)
        pointer = lib.llama_model_load_from_file(str(path).encode(), params)
        if not pointer:
            raise LlamaCppError(f"llama.cpp cannot load {path}")
        self.path = path
        self.pointer = pointer
        self.threads = options.threads or default_threads()
        self.flash_attention = options.flash_attention
        self.vocab = lib.llama_model_get_vocab(pointer)
        self.vocab_size = int(lib.llama_vocab_n_tokens(self.vocab))
        self.size_bytes = int(lib.llama_model_size(pointer))
        self.parameter_count = int(lib.llama_model_n_params(pointer))
        description = ctypes.create_string_buffer(256)
        lib.llama_model_desc(pointer, description, len(description))
        # "<architecture> <size> <file type>", e.g. "llama 256M Q4_1", "gemma3 270M Q4_K - Medium"
        self.description = description.value.decode(errors="replace")
        parts = self.description.split(" ", 2)
        self.file_type = parts[2] if len(parts) == 3 else self.description
        self._finalizer = weakref.finalize(self, lib.llama_model_free, pointer)

    def tokenize(self, text: str) -> list[int]:
        """llama.cpp's own tokenization, special tokens parsed and BOS added as the file says."""
        lib = library()
        data = text.encode()
        room = len(data) + 16
        tokens = (lib.llama_token * room)()
        count = lib.llama_tokenize(self.vocab, data, len(data), tokens, room, True, True)
        if count < 0:
            raise LlamaCppError(f"llama.cpp could not tokenize {text[:40]!r}")
        return list(tokens[:count])

    def detokenize(self, tokens: list[int]) -> str:
        """The text of token ids as llama.cpp reads them; a BOS it adds itself is left out."""
        lib = library()
        array = (lib.llama_token * len(tokens))(*tokens)
        room = 8 * len(tokens) + 64
        for _ in range(2):
            text = ctypes.create_string_buffer(room)
            count = lib.llama_detokenize(self.vocab, array, len(tokens), text, room, True, True)
            if count >= 0:
                return text.raw[:count].decode(errors="replace")
            room = -count
        raise LlamaCppError("llama.cpp could not detokenize")

    def token_text(self, token: int) -> str:
        raw: bytes = library().llama_vocab_get_text(self.vocab, token) or b""
        return raw.decode(errors="replace")

    def close(self) -> None:
        self._finalizer()


def check_vocabulary(tokenizer: Any, model: LlamaCppModel) -> None:
    """Raises LlamaCppError unless the transformers tokenizer's ids are llama.cpp's ids.

    The engine tokenizes prompts and decodes replies with the transformers tokenizer and hands
    ids to llama.cpp, so every id must name the same token on both sides: same vocabulary size,
    same text for every id, and llama.cpp must read the tokenizer's ids for some probe texts back
    as those texts. (The two may still split a text differently: transformers' GGUF reader and
    llama.cpp use different pre-tokenizer rules for some models, e.g. SmolLM2 takes a run of
    spaces as one token or as several. Either split is made of the same vocabulary; the model
    then sees what it would see under transformers.)
    """
    if len(tokenizer) != model.vocab_size:
        raise LlamaCppError(
            f"the tokenizer has {len(tokenizer)} tokens and llama.cpp's vocabulary "
            f"{model.vocab_size}"
        )
    ours = tokenizer.convert_ids_to_tokens(list(range(model.vocab_size)))
    differing = [
        token
        for token in range(model.vocab_size)
        if _normal(str(ours[token])) != _normal(model.token_text(token))
    ]
    if differing:
        token = differing[0]
        raise LlamaCppError(
            f"{len(differing)} token ids name different tokens, e.g. {token} is "
            f"{ours[token]!r} for the tokenizer and {model.token_text(token)!r} for llama.cpp"
        )
    for text in _PROBE_TEXTS:
        ids = list(tokenizer(text)["input_ids"])
        read = model.detokenize(ids)
        if read != text:
            raise LlamaCppError(
                f"llama.cpp reads the tokenizer's ids for {text!r} as {read!r}: {ids[:16]}"
            )
        if ids != model.tokenize(text):
            logger.debug("the tokenizer and llama.cpp split %r differently", text)


def _normal(token_text: str) -> str:
    return token_text.replace(_SPIECE_SPACE, " ")


class LlamaCppBatch:
    """One llama.cpp context: up to `max_sequences` sequences decoding together, each with a KV
    stream of `sequence_tokens` tokens.

    A sequence is a llama.cpp sequence id (0 .. max_sequences - 1, reused once freed). Use from
    one thread (the engine's scheduler), and close() from that thread too.
    """

    def __init__(self, model: LlamaCppModel, max_sequences: int, sequence_tokens: int) -> None:
        lib = library()
        params = lib.llama_context_default_params()
        rounded = -(-max(sequence_tokens, 1) // _CONTEXT_ROUNDING) * _CONTEXT_ROUNDING
        params.n_ctx = rounded * max_sequences
        params.n_batch = _BATCH_TOKENS
        params.n_ubatch = _UBATCH_TOKENS
        params.n_seq_max = max_sequences
        params.n_threads = model.threads
        params.n_threads_batch = model.threads
        # A KV stream per sequence: see the module's docstring.
        params.kv_unified = False
        params.flash_attn_type = {
            "auto": lib.LLAMA_FLASH_ATTN_TYPE_AUTO,
            "on": lib.LLAMA_FLASH_ATTN_TYPE_ENABLED,
            "off": lib.LLAMA_FLASH_ATTN_TYPE_DISABLED,
        }[model.flash_attention]
        params.no_perf = True
        context = lib.llama_init_from_model(model.pointer, params)
        if not context:
            raise LlamaCppError(
                f"llama.cpp cannot make a context of {max_sequences} x {rounded} tokens for "
                f"{model.path}"
            )
        self._lib = lib
        self._model = model  # the context uses the weights: keep them alive
        self._context = context
        self._memory = lib.llama_get_memory(context)
        self._batch = lib.llama_batch_init(_BATCH_TOKENS, 0, 1)
        self.vocab_size = model.vocab_size
        self.max_sequences = max_sequences
        self.max_tokens = _BATCH_TOKENS
        self._closed = False

    def decode(
        self, tokens: list[int], positions: list[int], sequences: list[int], outputs: list[int]
    ) -> torch.Tensor:
        """Feeds tokens (at most _BATCH_TOKENS) at their positions in their sequences; returns
        the next-token logits after the tokens at the indices in `outputs`, (len(outputs),
        vocab) float32."""
        count = len(tokens)
        assert 0 < count <= _BATCH_TOKENS
        batch = self._batch
        batch.n_tokens = count
        np.ctypeslib.as_array(batch.token, shape=(count,))[:] = tokens
        np.ctypeslib.as_array(batch.pos, shape=(count,))[:] = positions
        np.ctypeslib.as_array(batch.n_seq_id, shape=(count,))[:] = 1
        flags = np.ctypeslib.as_array(batch.logits, shape=(count,))
        flags[:] = 0
        flags[outputs] = 1
        seq_ids = batch.seq_id
        for index, sequence in enumerate(sequences):
            seq_ids[index][0] = sequence
        status = self._lib.llama_decode(self._context, batch)
        if status != 0:
            why = "its KV cache is full" if status == 1 else f"llama_decode returned {status}"
            raise RuntimeError(f"llama.cpp could not decode {count} tokens: {why}")
        rows = np.empty((len(outputs), self.vocab_size), dtype=np.float32)
        for row, index in enumerate(outputs):
            pointer = self._lib.llama_get_logits_ith(self._context, index)
            if not pointer:
                raise RuntimeError(f"llama.cpp has no logits for batch position {index}")
            rows[row] = np.ctypeslib.as_array(pointer, shape=(self.vocab_size,))
        return torch.from_numpy(rows)

    def copy_prefix(self, source: int, target: int, tokens: int) -> None:
        """Makes `target` (empty) hold the KV cache of `source`'s first `tokens` tokens.

        With a KV stream per sequence llama.cpp copies the whole stream (it cannot copy part of
        one), so the target is cut after `tokens` once copied.
        """
        self._lib.llama_memory_seq_cp(self._memory, source, target, -1, -1)
        self._lib.llama_memory_seq_rm(self._memory, target, tokens, -1)

    def forget(self, sequence: int) -> None:
        """Drops a sequence's tokens from the KV cache; its id may then start a new sequence."""
        self._lib.llama_memory_seq_rm(self._memory, sequence, -1, -1)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._lib.llama_batch_free(self._batch)
        self._lib.llama_free(self._context)


# --- the library ------------------------------------------------------------------------------

_library_lock = threading.Lock()
_log_callback: Any = None


def library() -> Any:
    """llama_cpp, its backend initialized and its log routed to logging (once)."""
    global _log_callback
    with _library_lock:
        try:
            import llama_cpp
        except (ImportError, OSError) as error:
            raise LlamaCppError(
                f"llama-cpp-python is not installed or does not load ({error}): "
                "pip install -e .[llamacpp]"
            ) from error
        if _log_callback is None:
            _log_callback = _make_log_callback(llama_cpp)
            llama_cpp.llama_log_set(_log_callback, ctypes.c_void_p(0))
            llama_cpp.llama_backend_init()
        return llama_cpp


def _make_log_callback(llama_cpp: ModuleType) -> Any:
    # ggml's levels: 1 debug, 2 info, 3 warn, 4 error, 5 continues the last line. llama.cpp
    # talks a lot at load time and its warnings are advice (e.g. a context shorter than the
    # model's): keep its errors as errors, the rest at info and debug level.
    levels = {3: logging.INFO, 4: logging.ERROR}

    @llama_cpp.llama_log_callback
    def forward(level: int, text: bytes, user_data: object) -> None:
        message = text.decode(errors="replace").rstrip()
        if message:
            logger.log(levels.get(level, logging.DEBUG), "llama.cpp: %s", message)

    return forward
