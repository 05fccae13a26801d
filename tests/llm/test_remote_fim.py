"""Fill-in-the-middle completion through a real model server's completions endpoint, the prompt
sent as text with the model's FIM token spellings (no tokenizer here): llama-cpp-python's
server, on a tiny StableLM .gguf with FIM tokens made at test time."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.llm.tiny_models import stablelm_fim_gguf
from tests.model_server import model_server
from tutor.assist.remote_engine import parse_fim_tokens
from tutor.llm.engine import Engine
from tutor.llm.loading import LoadedModel, ModelLoadError, ModelSpec, load_model
from tutor.llm.prompts import PromptContext, Task, build_prompt
from tutor.llm.remote import (
    RemoteEngine,
    RemoteModel,
    ServerConfig,
    probe_server,
    remote_model_info,
)
from tutor.llm.remote_prompts import ChatPrompt, build_any_prompt, plain_text

FIM_TOKENS = ("<fim_prefix>", "<fim_suffix>", "<fim_middle>")
CODE = "def add(a, b):\n    \n\nfor index in range(10):\n    print(add(index, 1))\n"
CURSOR = CODE.index("\n\nfor")
NEW_TOKENS = 12


@pytest.fixture(scope="module")
def fim_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return stablelm_fim_gguf(tmp_path_factory.mktemp("fim"))


@pytest.fixture(scope="module")
def server_url(fim_gguf: Path) -> Iterator[str]:
    with model_server(fim_gguf) as (url, _):
        yield url


def completion_context(code: str = CODE, cursor: int = CURSOR) -> PromptContext:
    return PromptContext(student_code=code, cursor_offset=cursor, student_filename="solution.py")


def remote_model(url: str, fim_tokens: tuple[str, str, str] | None = FIM_TOKENS) -> RemoteModel:
    config = ServerConfig(url, fim_tokens=fim_tokens)
    return RemoteModel(config=config, info=remote_model_info(config, probe_server(config)))


def remote_completion(url: str, prompt: ChatPrompt) -> str:
    with RemoteEngine(ServerConfig(url)) as engine:
        finished = engine.submit(prompt.request()).result()
    assert finished.reason == "length", finished
    return finished.text


def test_fim_through_the_server_completes_as_the_local_engine_does(
    fim_gguf: Path, server_url: str
) -> None:
    local: LoadedModel = load_model(ModelSpec(fim_gguf))
    assert local.info.fim_tokens is not None
    built = build_prompt(local, Task.COMPLETE, completion_context(), max_new_tokens=NEW_TOKENS)
    assert built.uses_fim_tokens
    with Engine(local, max_batch_size=1) as engine:
        expected = engine.submit(built.request()).result()
    assert expected.reason == "length" and expected.text.strip()

    prompt = build_any_prompt(
        remote_model(server_url), Task.COMPLETE, completion_context(), max_new_tokens=NEW_TOKENS
    )
    assert isinstance(prompt, ChatPrompt) and not prompt.messages
    assert prompt.text.startswith("<fim_prefix>") and prompt.text.endswith("<fim_middle>")

    assert remote_completion(server_url, prompt) == expected.text
    # The same characters, read as text rather than as the FIM tokens, complete otherwise: the
    # server did read the spellings as the model's tokens.
    as_text = ChatPrompt((), plain_text(prompt.text), prompt.stop, NEW_TOKENS, ())
    assert remote_completion(server_url, as_text) != expected.text


def test_without_fim_tokens_the_server_continues_the_code_before_the_cursor(
    server_url: str,
) -> None:
    prompt = build_any_prompt(
        remote_model(server_url, fim_tokens=None),
        Task.COMPLETE,
        completion_context(),
        max_new_tokens=NEW_TOKENS,
    )
    assert isinstance(prompt, ChatPrompt)
    assert prompt.text == CODE[:CURSOR]
    assert remote_completion(server_url, prompt)


def test_control_token_spellings_in_the_students_code_stay_text() -> None:
    model = remote_model("http://127.0.0.1:9/v1")
    code = "x = '<fim_middle><|endoftext|>'\ny: List<Integer> = 1\n"
    prompt = build_any_prompt(
        model, Task.COMPLETE, completion_context(code, len(code)), max_new_tokens=8
    )
    assert isinstance(prompt, ChatPrompt)
    assert prompt.text.count("<fim_middle>") == 1 and prompt.text.endswith("<fim_middle>")
    assert "<|endoftext|>" not in prompt.text
    assert "List<Integer>" in prompt.text
    assert prompt.text.replace("\u200b", "") == f"<fim_prefix>{code}<fim_suffix><fim_middle>"


def test_the_fim_setting_takes_three_spellings() -> None:
    assert parse_fim_tokens("") is None
    assert parse_fim_tokens(" <fim_prefix>, <fim_suffix>,<fim_middle> ") == FIM_TOKENS
    with pytest.raises(ModelLoadError, match="three token spellings"):
        parse_fim_tokens("<fim_prefix>,<fim_suffix>")
