"""Tiny random-weight models built at test time: no network, no real weights, a few seconds."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from transformers import Gemma3ForCausalLM, Gemma3TextConfig, StableLmForCausalLM

import tutor.llm  # noqa: F401  (sets the offline environment before transformers loads models)
from tests.llm.tiny_models import (
    CHAT_SPECIALS,
    CHATML_TEMPLATE,
    save_model,
    stablelm_config,
    train_tokenizer,
)
from tutor.llm.engine import Engine
from tutor.llm.loading import LoadedModel, ModelSpec, load_model


@pytest.fixture(scope="session")
def chat_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """StableLM like Stable Code Instruct 3B, shrunk: ChatML template and FIM tokens."""
    tokenizer = train_tokenizer(CHAT_SPECIALS)
    tokenizer.chat_template = CHATML_TEMPLATE
    folder = tmp_path_factory.mktemp("tiny-stablelm-chat")
    return save_model(folder, stablelm_config(len(tokenizer)), StableLmForCausalLM, tokenizer)


@pytest.fixture(scope="session")
def plain_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A completion-only model: no chat template, no FIM tokens."""
    tokenizer = train_tokenizer(["<|endoftext|>"])
    folder = tmp_path_factory.mktemp("tiny-stablelm-plain")
    return save_model(folder, stablelm_config(len(tokenizer)), StableLmForCausalLM, tokenizer)


@pytest.fixture(scope="session")
def sliding_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Gemma 3 style: sliding-window layers (window 8) between full-attention ones."""
    tokenizer = train_tokenizer(CHAT_SPECIALS)
    config = Gemma3TextConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=3,
        num_attention_heads=4,
        num_key_value_heads=1,
        head_dim=16,
        sliding_window=8,
        layer_types=["sliding_attention", "full_attention", "sliding_attention"],
        max_position_embeddings=4096,
        initializer_range=0.2,
        bos_token_id=0,
        eos_token_id=0,
        pad_token_id=0,
    )
    folder = tmp_path_factory.mktemp("tiny-gemma3")
    return save_model(folder, config, Gemma3ForCausalLM, tokenizer)


@pytest.fixture(scope="session")
def chat_model(chat_model_dir: Path) -> LoadedModel:
    return load_model(ModelSpec(chat_model_dir, device="cpu", precision="fp32"))


@pytest.fixture(scope="session")
def plain_model(plain_model_dir: Path) -> LoadedModel:
    return load_model(ModelSpec(plain_model_dir, device="cpu", precision="fp32"))


@pytest.fixture(scope="session")
def sliding_model(sliding_model_dir: Path) -> LoadedModel:
    return load_model(ModelSpec(sliding_model_dir, device="cpu", precision="fp32"))


@pytest.fixture
def engine(chat_model: LoadedModel) -> Iterator[Engine]:
    with Engine(chat_model, max_batch_size=8) as running:
        yield running
