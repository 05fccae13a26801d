"""Copy a model from removable media into the models folder, refusing incomplete copies.

A model folder from a USB stick is only as good as the copy: a shard cut short or missing
loads as garbage or not at all, minutes into a lesson. So every safetensors file is checked
against its own header (the declared tensors must end exactly at the end of the file) and
against the index's weight map (every tensor the index names must be in the shard it names).
"""

import json
import shutil
import struct
from pathlib import Path
from typing import Any

GGUF_MAGIC = b"GGUF"
CONFIG_FILE = "config.json"
INDEX_FILE = "model.safetensors.index.json"
# Large enough for any real header, small enough that a corrupt length is caught.
MAX_HEADER_BYTES = 100 * 1024 * 1024


class ModelInstallError(Exception):
    """The source is not a complete model; the message says which file and what is wrong."""


def verify_model_source(source: Path) -> list[Path]:
    """The files that make up the model at source; raises ModelInstallError if it is incomplete."""
    if source.is_file():
        _verify_gguf(source)
        return [source]
    if not source.is_dir():
        raise ModelInstallError(f"{source}: no such folder or .gguf file")
    if not (source / CONFIG_FILE).is_file():
        raise ModelInstallError(
            f"{source}: no {CONFIG_FILE}; expected a Hugging Face model folder "
            "(config.json, tokenizer files, *.safetensors) or a .gguf file"
        )
    shards = _expected_shards(source)
    tensors_by_shard = {shard: _verify_safetensors(source / shard) for shard in shards}
    index = source / INDEX_FILE
    if index.is_file():
        _verify_weight_map(index, tensors_by_shard)
    return sorted(path for path in source.rglob("*") if path.is_file())


def install_model(source: Path, models_dir: Path, name: str | None = None) -> Path:
    """Verify, copy to a temporary folder beside the target, verify the copy, then rename."""
    verify_model_source(source)
    target = models_dir / (name or source.name)
    if target.exists():
        raise ModelInstallError(f"{target} already exists; remove it or choose another name")
    models_dir.mkdir(parents=True, exist_ok=True)
    partial = models_dir / f".{target.name}.partial"
    _remove(partial)
    try:
        if source.is_file():
            shutil.copyfile(source, partial)
        else:
            shutil.copytree(source, partial, symlinks=False)
        verify_model_source(partial)
        partial.rename(target)
    except BaseException:
        _remove(partial)
        raise
    return target


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _expected_shards(folder: Path) -> list[str]:
    index = folder / INDEX_FILE
    if index.is_file():
        weight_map = _read_json(index).get("weight_map")
        if not isinstance(weight_map, dict) or not weight_map:
            raise ModelInstallError(f"{index}: no weight_map")
        shards = sorted(set(map(str, weight_map.values())))
    else:
        shards = sorted(path.name for path in folder.glob("*.safetensors"))
    if not shards:
        raise ModelInstallError(f"{folder}: no *.safetensors weights")
    for shard in shards:
        if not (folder / shard).is_file():
            raise ModelInstallError(f"{folder / shard}: missing (listed in {INDEX_FILE})")
    return shards


def _verify_safetensors(path: Path) -> set[str]:
    """The tensor names in a safetensors file whose size matches its header."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        raw_length = handle.read(8)
        if len(raw_length) < 8:
            raise ModelInstallError(f"{path}: truncated (no safetensors header)")
        (header_length,) = struct.unpack("<Q", raw_length)
        if header_length > min(MAX_HEADER_BYTES, size - 8):
            raise ModelInstallError(f"{path}: truncated or corrupt safetensors header")
        try:
            header = json.loads(handle.read(header_length))
        except ValueError as error:
            raise ModelInstallError(f"{path}: corrupt safetensors header ({error})") from error
    tensors = {name: meta for name, meta in header.items() if name != "__metadata__"}
    data_end = max((int(meta["data_offsets"][1]) for meta in tensors.values()), default=0)
    expected = 8 + header_length + data_end
    if size != expected:
        raise ModelInstallError(
            f"{path}: {size} bytes but its header describes {expected}: the copy is incomplete"
        )
    return set(tensors)


def _verify_weight_map(index: Path, tensors_by_shard: dict[str, set[str]]) -> None:
    weight_map = _read_json(index)["weight_map"]
    for tensor, shard in weight_map.items():
        if tensor not in tensors_by_shard.get(shard, set()):
            raise ModelInstallError(f"{index}: tensor {tensor} is not in {shard}")


def _verify_gguf(path: Path) -> None:
    with path.open("rb") as handle:
        if handle.read(4) != GGUF_MAGIC:
            raise ModelInstallError(f"{path}: not a GGUF file")
    try:
        from gguf import GGUFReader

        GGUFReader(str(path))
    except Exception as error:
        raise ModelInstallError(f"{path}: incomplete or corrupt GGUF file ({error})") from error


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ModelInstallError(f"{path}: unreadable JSON ({error})") from error
    if not isinstance(data, dict):
        raise ModelInstallError(f"{path}: expected a JSON object")
    return data
