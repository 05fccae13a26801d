from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from tutor.assist.answer_speed import AnswerSpeed, publish_answer_speed
from tutor.assist.model_status import publish_status, read_status, status_key
from tutor.llm.engine import Engine
from tutor.llm.loading import ModelSpec, load_model
from tutor.redis_client import redis_client


def test_check_loads_a_model_generates_and_prints_its_speed(
    tiny_tutor_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("model", "check", str(tiny_tutor_model), "--precision", "fp32", "--tokens", "8")
    out = capsys.readouterr().out
    assert "loaded StableLmForCausalLM" in out and "fp32 on cpu" in out
    assert "chat template: True, fill-in-the-middle: True" in out
    assert "8 tokens in" in out and "tokens/s" in out


def test_check_names_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"config.json"):
        call_command("model", "check", str(tmp_path))


def test_status_shows_what_the_worker_published(tiny_tutor_model: Path, capsys) -> None:
    redis_client().delete(status_key())
    call_command("model", "status")
    assert "No llm worker has reported yet" in capsys.readouterr().out

    loaded = load_model(ModelSpec(tiny_tutor_model, device="cpu", precision="fp32"))
    with Engine(loaded, max_batch_size=2) as engine:
        publish_status(loaded.info, engine.stats())
    call_command("model", "status")
    out = capsys.readouterr().out
    status = read_status()
    assert status is not None and not status["stale"]
    assert f"model:        {tiny_tutor_model}" in out
    assert "precision:    fp32" in out and "0 waiting, 0 running" in out
    assert "backend:      transformers (transformers: not a .gguf file)" in out
    assert "admission:    no speed measured yet" in out

    publish_answer_speed(
        AnswerSpeed(
            (4.4, 9.7, 38.0), 361, 128, 0.0, typical_seconds_by_batch=(2, 5, 19), typical_tokens=64
        )
    )
    call_command("model", "status")
    out = capsys.readouterr().out
    assert (
        "admission:    an answer of 128 tokens after a 361-token prompt takes about 4 s alone, "
        "38 s with 3 together"
    ) in out
    assert "answers in line count as 64 tokens, 19 s with 3 together" in out


def test_install_copies_a_model_folder_and_says_how_to_use_it(
    tiny_tutor_model: Path, tmp_path: Path, capsys
) -> None:
    with override_settings(LLM_MODELS_DIR=tmp_path / "models"):
        call_command("model", "install", str(tiny_tutor_model), "--name", "tiny")
    out = capsys.readouterr().out
    assert (tmp_path / "models" / "tiny" / "config.json").is_file()
    assert f"LABTUTOR_MODEL={tmp_path / 'models' / 'tiny'}" in out
