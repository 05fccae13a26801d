"""Tiny random-weight models for tests: a byte-level BPE tokenizer and toy-sized configs."""

from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import (
    PretrainedConfig,
    PreTrainedModel,
    PreTrainedTokenizerFast,
    StableLmConfig,
)

CHATML_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
CORPUS = [
    "def add(a, b):\n    return a + b\n",
    "for index in range(10):\n    print(index)\n",
    "class Stack:\n    def __init__(self):\n        self.items = []\n",
    "Explain why the test fails: AssertionError: expected 3, got 4.\n",
    'Traceback (most recent call last):\n  File "solution.py", line 3, in add\n',
    "The student's question: what does return do in a function?\n",
]
CHAT_SPECIALS = [
    "<|endoftext|>",
    "<fim_prefix>",
    "<fim_middle>",
    "<fim_suffix>",
    "<|im_start|>",
    "<|im_end|>",
]


def train_tokenizer(special_tokens: list[str]) -> PreTrainedTokenizerFast:
    """A byte-level BPE trained on a few lines of code: multi-byte characters split into bytes."""
    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=special_tokens,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    backend.train_from_iterator(CORPUS * 10, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token="<|endoftext|>",
        eos_token="<|endoftext|>",
        unk_token="<|endoftext|>",
        additional_special_tokens=special_tokens[1:],
    )


def silence_special_tokens(model: PreTrainedModel, tokenizer: PreTrainedTokenizerFast) -> None:
    """Zero the LM head rows of special tokens: with random weights some other logit is always
    larger, so greedy decoding never ends early by chance and tests decide when things stop."""
    with torch.no_grad():
        head = model.get_output_embeddings()
        assert head is not None
        for token in tokenizer.all_special_tokens:
            head.weight[tokenizer.convert_tokens_to_ids(token)] = 0


def silence_all_but_ascii(model: PreTrainedModel, tokenizer: PreTrainedTokenizerFast) -> None:
    """Zero the LM head rows of tokens that are not printable ASCII on their own as well: greedy
    replies are then plain text, which every decoder (ours, a server's) shows the same way."""
    with torch.no_grad():
        head = model.get_output_embeddings()
        assert head is not None
        for token_id in range(len(tokenizer)):
            text = tokenizer.decode([token_id])
            if not text or not all(" " <= c <= "~" or c == "\n" for c in text):
                head.weight[token_id] = 0


def save_model(
    folder: Path, config: PretrainedConfig, model_class: type[PreTrainedModel], tokenizer
) -> Path:
    torch.manual_seed(0)
    model = model_class(config)
    silence_special_tokens(model, tokenizer)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def stablelm_config(vocab_size: int) -> StableLmConfig:
    """Stable Code 3B's shape at toy size (partial rotary 0.25, rope theta 1e6, untied head)."""
    return StableLmConfig(
        vocab_size=vocab_size,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        rope_parameters={"rope_type": "default", "rope_theta": 1e6, "partial_rotary_factor": 0.25},
        layer_norm_eps=1e-5,
        max_position_embeddings=4096,
        # Wider than the default 0.02, so greedy choices are not near-ties decided by rounding.
        initializer_range=0.2,
        tie_word_embeddings=False,
        bos_token_id=0,
        eos_token_id=0,
        # Like Stable Code Instruct: the engine must turn the cache back on.
        use_cache=False,
    )


def stablelm_fim_gguf(folder: Path) -> Path:
    """A tiny StableLM with FIM tokens as a .gguf (tutor/llm/gguf_export.py), its replies plain
    ASCII, for llama.cpp here and a model server alike."""
    from transformers import StableLmForCausalLM

    from tutor.llm.gguf_export import tensors_of_model, write_stablelm_gguf

    tokenizer = train_tokenizer(CHAT_SPECIALS)
    torch.manual_seed(0)
    model = StableLmForCausalLM(stablelm_config(len(tokenizer)))
    silence_special_tokens(model, tokenizer)
    silence_all_but_ascii(model, tokenizer)
    return write_stablelm_gguf(
        folder / "tiny-stablelm-fim.gguf", model.config, tokenizer, tensors_of_model(model)
    )
