"""Writing a StableLM model (Stable Code's architecture) to a .gguf file, and quantizing one.

For benchmarks and tests, which need a .gguf of a model that no package ships: a tiny random
StableLM with FIM tokens for the remote backend's tests, and Stable Code 3B's shape with random
weights at Q4_K_M for bench/llm_class.py. Nothing at run time uses it; it never downloads.

The file holds what llama.cpp needs to run the model and what transformers needs to read its
config and byte-level BPE tokenizer back (loading.py loads .gguf files so): the architecture's
hyperparameters, the vocabulary with its merges and special tokens, and the weights under
llama.cpp's tensor names (gguf's own name map). The quantizer is llama.cpp's
(llama_model_quantize, through llama-cpp-python, the `bench` extra).
"""

import ctypes
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gguf
import numpy as np
import torch
from transformers import PreTrainedTokenizerFast, StableLmConfig

# A tensor's name (Hugging Face's) and a function giving its values when it is written, so a
# model of several GB is never whole in memory.
NamedTensor = tuple[str, tuple[int, ...], Callable[[], np.ndarray]]

_ARCHITECTURE = gguf.MODEL_ARCH.STABLELM
_CONTROL_TOKEN = 3
_NORMAL_TOKEN = 1


def stablelm_tensors(config: StableLmConfig) -> Iterator[tuple[str, tuple[int, ...]]]:
    """Every weight of a StableLmForCausalLM of this config: (Hugging Face name, shape)."""
    hidden, head_size = config.hidden_size, config.hidden_size // config.num_attention_heads
    kv_width = config.num_key_value_heads * head_size
    yield "model.embed_tokens.weight", (config.vocab_size, hidden)
    for layer in range(config.num_hidden_layers):
        prefix = f"model.layers.{layer}"
        for norm in ("input_layernorm", "post_attention_layernorm"):
            yield f"{prefix}.{norm}.weight", (hidden,)
            yield f"{prefix}.{norm}.bias", (hidden,)
        yield f"{prefix}.self_attn.q_proj.weight", (hidden, hidden)
        yield f"{prefix}.self_attn.k_proj.weight", (kv_width, hidden)
        yield f"{prefix}.self_attn.v_proj.weight", (kv_width, hidden)
        if config.use_qkv_bias:
            yield f"{prefix}.self_attn.q_proj.bias", (hidden,)
            yield f"{prefix}.self_attn.k_proj.bias", (kv_width,)
            yield f"{prefix}.self_attn.v_proj.bias", (kv_width,)
        yield f"{prefix}.self_attn.o_proj.weight", (hidden, hidden)
        yield f"{prefix}.mlp.gate_proj.weight", (config.intermediate_size, hidden)
        yield f"{prefix}.mlp.up_proj.weight", (config.intermediate_size, hidden)
        yield f"{prefix}.mlp.down_proj.weight", (hidden, config.intermediate_size)
    yield "model.norm.weight", (hidden,)
    yield "model.norm.bias", (hidden,)
    yield "lm_head.weight", (config.vocab_size, hidden)


def tensors_of_model(model: torch.nn.Module) -> list[NamedTensor]:
    """A loaded model's own weights."""

    def values(tensor: torch.Tensor) -> Callable[[], np.ndarray]:
        return lambda: tensor.detach().float().numpy()

    return [
        (name, tuple(tensor.shape), values(tensor)) for name, tensor in model.state_dict().items()
    ]


def random_tensors(config: StableLmConfig, seed: int = 0) -> list[NamedTensor]:
    """Random weights (normal, the config's initializer_range; norms at 1 and 0), made one
    tensor at a time as the file is written."""
    generator = np.random.default_rng(seed)

    def values(name: str, shape: tuple[int, ...]) -> Callable[[], np.ndarray]:
        def make() -> np.ndarray:
            if "norm" in name:
                fill = 1.0 if name.endswith(".weight") else 0.0
                return np.full(shape, fill, dtype=np.float32)
            weights = generator.standard_normal(shape, dtype=np.float32)
            weights *= config.initializer_range
            return weights

        return make

    return [(name, shape, values(name, shape)) for name, shape in stablelm_tensors(config)]


def write_stablelm_gguf(
    path: Path,
    config: StableLmConfig,
    tokenizer: PreTrainedTokenizerFast,
    tensors: list[NamedTensor],
    *,
    name: str = "stablelm",
) -> Path:
    """Writes the model as a .gguf (matrices in f16, norms and biases in f32)."""
    if config.use_parallel_residual:
        raise ValueError("parallel residual StableLM models are not supported here")
    head_size = config.hidden_size // config.num_attention_heads
    rope: dict[str, Any] = dict(config.rope_parameters or {})
    writer = gguf.GGUFWriter(str(path), _ARCHITECTURE.name.lower())
    writer.add_name(name)
    writer.add_context_length(config.max_position_embeddings)
    writer.add_embedding_length(config.hidden_size)
    writer.add_block_count(config.num_hidden_layers)
    writer.add_feed_forward_length(config.intermediate_size)
    writer.add_head_count(config.num_attention_heads)
    writer.add_head_count_kv(config.num_key_value_heads)
    writer.add_layer_norm_eps(config.layer_norm_eps)
    writer.add_rope_dimension_count(
        int(float(rope.get("partial_rotary_factor") or 0.25) * head_size)
    )
    writer.add_rope_freq_base(float(rope.get("rope_theta") or 10000.0))
    writer.add_parallel_residual(False)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    _add_vocabulary(writer, tokenizer)

    names = gguf.get_tensor_name_map(_ARCHITECTURE, config.num_hidden_layers)
    planned = []
    for hf_name, shape, values in tensors:
        gguf_name = names.get_name(hf_name, try_suffixes=(".weight", ".bias"))
        if gguf_name is None:
            raise ValueError(f"no GGUF name for {hf_name}")
        dtype = np.float16 if len(shape) == 2 else np.float32
        nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
        writer.add_tensor_info(gguf_name, shape, np.dtype(dtype), nbytes)
        planned.append((dtype, values))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for dtype, values in planned:
        writer.write_tensor_data(np.ascontiguousarray(values().astype(dtype)))
    writer.close()
    return path


def _add_vocabulary(writer: gguf.GGUFWriter, tokenizer: PreTrainedTokenizerFast) -> None:
    """The byte-level BPE as llama.cpp's "gpt2" tokenizer model: tokens in id order (in their
    byte-level spelling), merges, special tokens as control tokens."""
    vocab = tokenizer.get_vocab()
    tokens = [""] * len(vocab)
    for token, token_id in vocab.items():
        tokens[token_id] = token
    special = set(tokenizer.all_special_ids) | set(tokenizer.get_added_vocab().values())
    backend = json.loads(tokenizer.backend_tokenizer.to_str())
    merges = [
        merge if isinstance(merge, str) else " ".join(merge) for merge in backend["model"]["merges"]
    ]
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("gpt-2")
    writer.add_token_list(tokens)
    writer.add_token_types(
        [_CONTROL_TOKEN if index in special else _NORMAL_TOKEN for index in range(len(tokens))]
    )
    writer.add_token_merges(merges)
    for role in ("bos", "eos", "unk"):
        token_id = getattr(tokenizer, f"{role}_token_id")
        if token_id is not None:
            getattr(writer, f"add_{role}_token_id")(int(token_id))
    writer.add_add_bos_token(False)
    if tokenizer.chat_template:
        writer.add_chat_template(str(tokenizer.chat_template))


def quantize(source: Path, target: Path, file_type: str = "Q4_K_M", threads: int = 0) -> Path:
    """llama.cpp's quantizer (llama_model_quantize): `source` rewritten at `file_type`."""
    from tutor.llm.llamacpp import library

    llama_cpp = library()  # its log goes to logging
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{file_type}")
    params.nthread = threads
    status = llama_cpp.llama_model_quantize(
        str(source).encode(), str(target).encode(), ctypes.byref(params)
    )
    if status != 0:
        raise RuntimeError(f"llama.cpp could not quantize {source} to {file_type}: {status}")
    return target
