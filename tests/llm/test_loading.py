import json
import shutil
from pathlib import Path

import pytest
import torch

from tutor.llm.engine import Engine
from tutor.llm.loading import LoadedModel, ModelLoadError, ModelSpec, load_model
from tutor.llm.precision import MatmulTiming, measured_cpu_matmuls
from tutor.llm.requests import GenerationRequest


def test_loads_a_model_folder_and_describes_it(
    chat_model: LoadedModel, chat_model_dir: Path
) -> None:
    info = chat_model.info
    tokenizer = chat_model.tokenizer

    assert info.architecture == "StableLmForCausalLM"
    assert info.model_type == "stablelm"
    assert info.parameter_count == chat_model.transformers_model.num_parameters()
    assert (info.precision, info.device) == ("fp32", "cpu")
    assert info.precision_reason == "fp32: asked for"
    assert info.context_window == 4096
    assert info.kv_bytes_per_token == 2 * 4 * 16 * 2 * 4  # layers, kv heads, head dim, K+V, fp32
    assert info.kv_budget_tokens > 0
    assert info.memory_bytes > 0
    assert info.has_chat_template
    assert info.fim_tokens is not None
    assert (info.fim_tokens.prefix, info.fim_tokens.suffix, info.fim_tokens.middle) == (
        "<fim_prefix>",
        "<fim_suffix>",
        "<fim_middle>",
    )
    assert info.load_seconds > 0
    assert info.source_path == chat_model_dir
    assert chat_model.stop_token_ids == {
        tokenizer.convert_tokens_to_ids("<|endoftext|>"),
        tokenizer.convert_tokens_to_ids("<|im_end|>"),
    }
    # The config said use_cache false, as Stable Code Instruct's does.
    assert chat_model.transformers_model.config.use_cache is True


def test_a_completion_model_has_no_template_and_no_fim(plain_model: LoadedModel) -> None:
    assert not plain_model.info.has_chat_template
    assert plain_model.info.fim_tokens is None


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA GPU")
def test_auto_picks_the_cpu_and_a_precision_and_says_why(chat_model_dir: Path) -> None:
    loaded = load_model(ModelSpec(chat_model_dir, device="auto", precision="auto"))

    expected = "bf16" if measured_cpu_matmuls().bf16_is_faster() else "fp32"
    assert loaded.info.device == "cpu"
    assert loaded.info.precision == expected
    assert "GiB" in loaded.info.precision_reason
    assert "bf16 matmuls measured" in loaded.info.precision_reason
    assert next(loaded.transformers_model.parameters()).dtype == (
        torch.bfloat16 if expected == "bf16" else torch.float32
    )


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA GPU")
@pytest.mark.parametrize(
    ("timing", "expected"),
    [
        (MatmulTiming(fp32_seconds=0.010, bf16_seconds=0.002), "bf16"),  # AMX
        (MatmulTiming(fp32_seconds=0.010, bf16_seconds=0.017), "fp32"),  # Zen 4 without AMX
    ],
)
def test_auto_takes_the_precision_this_cpu_measured_faster(
    chat_model_dir: Path, monkeypatch: pytest.MonkeyPatch, timing: MatmulTiming, expected: str
) -> None:
    monkeypatch.setattr("tutor.llm.loading.measured_cpu_matmuls", lambda: timing)
    loaded = load_model(ModelSpec(chat_model_dir, device="cpu", precision="auto"))
    assert loaded.info.precision == expected
    assert timing.describe() in loaded.info.precision_reason


def test_bf16_loads_in_bf16(chat_model_dir: Path) -> None:
    loaded = load_model(ModelSpec(chat_model_dir, device="cpu", precision="bf16"))

    assert next(loaded.transformers_model.parameters()).dtype == torch.bfloat16
    assert loaded.info.kv_bytes_per_token == 2 * 4 * 16 * 2 * 2


@pytest.mark.parametrize("precision", ["int8", "nf4"])
def test_bitsandbytes_modes_load_and_generate_on_cpu(chat_model_dir: Path, precision: str) -> None:
    loaded = load_model(ModelSpec(chat_model_dir, device="cpu", precision=precision))  # type: ignore[arg-type]

    with Engine(loaded, max_batch_size=2) as engine:
        finished = engine.submit(GenerationRequest("def add(a, b):", max_new_tokens=3)).result()

    assert loaded.info.precision == precision
    assert finished.reason == "length", finished.error
    assert (
        loaded.info.memory_bytes
        < load_model(ModelSpec(chat_model_dir, precision="fp32")).info.memory_bytes
    )


def copy_model(source: Path, target: Path, *, without: tuple[str, ...] = ()) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*without))
    return target


def expect_load_error(path: Path, *fragments: str, **spec: object) -> None:
    with pytest.raises(ModelLoadError) as raised:
        load_model(ModelSpec(path, **spec))  # type: ignore[arg-type]
    message = str(raised.value)
    for fragment in fragments:
        assert fragment in message, message


def test_missing_path(tmp_path: Path) -> None:
    expect_load_error(tmp_path / "nothing-here", "no model at", "nothing-here", "config.json")


def test_folder_without_config(tmp_path: Path) -> None:
    expect_load_error(
        tmp_path,
        f"no config.json in {tmp_path}",
        "expected a Hugging Face model folder (config.json, tokenizer files, *.safetensors) "
        "or a .gguf file",
    )


def test_folder_without_weights(chat_model_dir: Path, tmp_path: Path) -> None:
    folder = copy_model(chat_model_dir, tmp_path / "model", without=("*.safetensors",))

    expect_load_error(folder, "no *.safetensors weights", str(folder))


def test_folder_without_tokenizer(chat_model_dir: Path, tmp_path: Path) -> None:
    folder = copy_model(chat_model_dir, tmp_path / "model", without=("tokenizer*",))

    expect_load_error(folder, "no tokenizer files")


def test_broken_config_json(chat_model_dir: Path, tmp_path: Path) -> None:
    folder = copy_model(chat_model_dir, tmp_path / "model")
    (folder / "config.json").write_text("{ not json")

    expect_load_error(folder, "config.json", "not readable JSON")


def test_config_of_an_unknown_architecture(chat_model_dir: Path, tmp_path: Path) -> None:
    folder = copy_model(chat_model_dir, tmp_path / "model")
    (folder / "config.json").write_text(json.dumps({"model_type": "no-such-model"}))

    expect_load_error(folder, "cannot read the model config", str(folder))


def test_truncated_weights(chat_model_dir: Path, tmp_path: Path) -> None:
    folder = copy_model(chat_model_dir, tmp_path / "model")
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])

    expect_load_error(folder, "cannot load the weights", "as fp32 on cpu", precision="fp32")


def test_a_file_that_is_not_gguf(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"pickle")
    (tmp_path / "fake.gguf").write_bytes(b"not a gguf file")

    expect_load_error(tmp_path / "model.bin", "not a .gguf file")
    expect_load_error(tmp_path / "fake.gguf", "GGUF magic bytes")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA GPU")
def test_unavailable_device(chat_model_dir: Path) -> None:
    expect_load_error(chat_model_dir, "cuda", device="cuda")
