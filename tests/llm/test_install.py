import json
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from tutor.llm.install import ModelInstallError, install_model, verify_model_source


def sharded_model(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text('{"model_type": "stablelm"}')
    save_file({"a.weight": torch.ones(64, 64)}, str(folder / "model-00001-of-00002.safetensors"))
    save_file({"b.weight": torch.ones(32, 32)}, str(folder / "model-00002-of-00002.safetensors"))
    (folder / "model.safetensors.index.json").write_text(
        json.dumps(
            {
                "weight_map": {
                    "a.weight": "model-00001-of-00002.safetensors",
                    "b.weight": "model-00002-of-00002.safetensors",
                }
            }
        )
    )
    return folder


def test_a_complete_model_is_copied_and_verified(tmp_path: Path) -> None:
    source = sharded_model(tmp_path / "usb" / "stable-code-3b")
    target = install_model(source, tmp_path / "models")
    assert target == tmp_path / "models" / "stable-code-3b"
    assert sorted(path.name for path in target.iterdir()) == sorted(
        path.name for path in source.iterdir()
    )
    assert not list((tmp_path / "models").glob(".*partial"))


def test_a_truncated_shard_is_refused_and_nothing_is_installed(tmp_path: Path) -> None:
    source = sharded_model(tmp_path / "usb" / "model")
    shard = source / "model-00002-of-00002.safetensors"
    shard.write_bytes(shard.read_bytes()[:-100])
    with pytest.raises(ModelInstallError, match=r"model-00002-of-00002.safetensors.*incomplete"):
        install_model(source, tmp_path / "models")
    assert not (tmp_path / "models" / "model").exists()


def test_a_missing_shard_is_named(tmp_path: Path) -> None:
    source = sharded_model(tmp_path / "model")
    (source / "model-00001-of-00002.safetensors").unlink()
    with pytest.raises(ModelInstallError, match=r"model-00001-of-00002.safetensors: missing"):
        verify_model_source(source)


def test_an_index_that_names_a_tensor_its_shard_lacks_is_refused(tmp_path: Path) -> None:
    source = sharded_model(tmp_path / "model")
    index = source / "model.safetensors.index.json"
    data = json.loads(index.read_text())
    data["weight_map"]["c.weight"] = "model-00001-of-00002.safetensors"
    index.write_text(json.dumps(data))
    with pytest.raises(ModelInstallError, match=r"tensor c.weight is not in"):
        verify_model_source(source)


def test_a_folder_that_is_no_model_says_what_was_expected(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    with pytest.raises(ModelInstallError, match=r"no config.json; expected a Hugging Face"):
        verify_model_source(tmp_path / "photos")


def test_an_existing_model_is_never_overwritten(tmp_path: Path) -> None:
    source = sharded_model(tmp_path / "model")
    (tmp_path / "models" / "model").mkdir(parents=True)
    with pytest.raises(ModelInstallError, match="already exists"):
        install_model(source, tmp_path / "models")


def test_a_cut_gguf_file_is_refused(tmp_path: Path) -> None:
    from tutor.llm.embedded import embedded_model_path

    try:
        gguf = embedded_model_path(tmp_path / "cache")
    except LookupError:
        pytest.skip("no embedded GGUF model installed")
    cut = tmp_path / "cut.gguf"
    with gguf.open("rb") as whole, cut.open("wb") as part:
        shutil.copyfileobj(whole, part, length=1 << 20)
        part.truncate(gguf.stat().st_size // 2)
    verify_model_source(gguf)
    with pytest.raises(ModelInstallError, match=r"cut.gguf: incomplete or corrupt GGUF"):
        verify_model_source(cut)
