"""Writing a StableLM to .gguf and quantizing it with llama.cpp's quantizer (the benchmarks'
random Stable Code 3B is made so): the file runs on llama.cpp as the model runs on
transformers."""

import importlib.util
from pathlib import Path

import pytest
import torch
from transformers import StableLmForCausalLM

from tests.llm.tiny_models import (
    CHAT_SPECIALS,
    silence_special_tokens,
    stablelm_config,
    train_tokenizer,
)
from tutor.llm.engine import Engine
from tutor.llm.gguf_export import quantize, tensors_of_model, write_stablelm_gguf
from tutor.llm.loading import LoadedModel, ModelSpec, load_model
from tutor.llm.requests import GenerationRequest

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None, reason="llama-cpp-python is not installed"
)
PROMPT = "def add(a, b):\n    return"


def greedy(model: LoadedModel, new_tokens: int = 12) -> str:
    with Engine(model, max_batch_size=1) as engine:
        finished = engine.submit(GenerationRequest(PROMPT, max_new_tokens=new_tokens)).result()
    assert finished.reason == "length"
    return finished.text


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(a transformers folder, the same model as an f16 .gguf). 256 wide: Q4_K's block size."""
    folder = tmp_path_factory.mktemp("stablelm")
    tokenizer = train_tokenizer(CHAT_SPECIALS)
    config = stablelm_config(len(tokenizer))
    config.hidden_size, config.intermediate_size = 256, 512
    torch.manual_seed(0)
    model = StableLmForCausalLM(config)
    silence_special_tokens(model, tokenizer)
    model.save_pretrained(folder / "hf")
    tokenizer.save_pretrained(folder / "hf")
    gguf = write_stablelm_gguf(folder / "f16.gguf", config, tokenizer, tensors_of_model(model))
    return folder / "hf", gguf


def test_the_gguf_runs_on_llamacpp_as_the_model_on_transformers(
    written: tuple[Path, Path],
) -> None:
    folder, gguf = written
    on_transformers = load_model(ModelSpec(folder, device="cpu", precision="fp32"))
    on_llamacpp = load_model(ModelSpec(gguf))

    assert (on_llamacpp.info.backend, on_llamacpp.info.precision) == ("llamacpp", "F16")
    assert on_llamacpp.info.architecture == "StableLmForCausalLM"
    assert on_llamacpp.info.fim_tokens == on_transformers.info.fim_tokens is not None
    assert greedy(on_llamacpp) == greedy(on_transformers)


def test_llamacpps_quantizer_makes_a_q4_k_m_file_that_runs(
    written: tuple[Path, Path], tmp_path: Path
) -> None:
    _, gguf = written
    quantized = quantize(gguf, tmp_path / "q4_k_m.gguf", "Q4_K_M")
    model = load_model(ModelSpec(quantized))

    assert model.info.precision == "Q4_K - Medium"
    assert quantized.stat().st_size < gguf.stat().st_size / 2
    assert greedy(model)
