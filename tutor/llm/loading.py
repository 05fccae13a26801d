"""Loading a local causal LM (Hugging Face folder or single .gguf file) at a precision that fits.

Two backends run a model. transformers runs anything (folders of safetensors, GGUF files it
dequantizes; CPU, CUDA, MPS; bitsandbytes int8/nf4). llama.cpp (optional: llama-cpp-python, the
`bench` extra) runs .gguf files on the CPU at their own quantization, ~5x faster on the lab CPU.
choose_backend() says which; either way the tokenizer is the one transformers builds.
"""

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import torch
from transformers import (
    AutoConfig,
    AutoModelForCausalLM,
    AutoTokenizer,
    BitsAndBytesConfig,
    PretrainedConfig,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)
from transformers.utils import logging as transformers_logging

from tutor.llm.context import kv_bytes_per_token
from tutor.llm.llamacpp import SWITCH_CHOICES, LlamaCppOptions
from tutor.llm.precision import (
    MEMORY_HEADROOM_FRACTION,
    RUNTIME_OVERHEAD_BYTES,
    Device,
    DeviceRequest,
    Precision,
    PrecisionRequest,
    available_memory_bytes,
    choose_precision,
    compute_dtype,
    measured_cpu_matmuls,
    resolve_device,
)

if TYPE_CHECKING:
    from tutor.llm.llamacpp import LlamaCppModel

logger = logging.getLogger(__name__)

Backend = Literal["transformers", "llamacpp"]
BackendRequest = Literal["auto", "transformers", "llamacpp"]
BACKEND_REQUESTS: tuple[BackendRequest, ...] = ("auto", "transformers", "llamacpp")

EXPECTED_LAYOUT = (
    "expected a Hugging Face model folder (config.json, tokenizer files, *.safetensors) "
    "or a .gguf file"
)
_TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "vocab.json", "tokenizer_config.json")
_GGUF_MAGIC = b"GGUF"
# A .gguf goes through transformers' dequantizing loader, not bitsandbytes.
_GGUF_PRECISIONS: tuple[Precision, ...] = ("bf16", "fp16", "fp32")
# FIM token spellings, StarCoder/Stable Code first, then Qwen2.5-Coder/CodeGemma.
_FIM_FAMILIES = (
    ("<fim_prefix>", "<fim_suffix>", "<fim_middle>"),
    ("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"),
)
# End-of-turn markers of common chat formats; a model stops on those its vocabulary has.
_END_OF_TURN_TOKENS = ("<|im_end|>", "<|endoftext|>", "<end_of_turn>", "<|eot_id|>", "<|end|>")


class ModelLoadError(Exception):
    """The model at a path is missing, incomplete, or cannot be loaded here. Says what and where."""


@dataclass(frozen=True)
class ModelSpec:
    path: Path
    device: DeviceRequest = "auto"
    precision: PrecisionRequest = "auto"
    # KV cache tokens to keep room for when choosing a precision (e.g. 4 requests x 2048).
    kv_reserve_tokens: int = 8192
    # Requests the engine will run at once. The llama.cpp backend allocates a KV cache stream
    # per request up front, each the model's window long as far as memory allows.
    parallel_requests: int = 8
    # Prompts the engine keeps for their KV cache (Engine's prefix_holders): on llama.cpp each
    # is one more KV stream, so the memory left for streams is shared by both.
    prefix_holders: int = 2
    # See choose_backend().
    backend: BackendRequest = "auto"
    # How llama.cpp runs, when it does.
    llamacpp: LlamaCppOptions = field(default_factory=LlamaCppOptions)


@dataclass(frozen=True)
class FimTokens:
    prefix: str
    suffix: str
    middle: str


@dataclass(frozen=True)
class ModelInfo:
    architecture: str
    model_type: str
    parameter_count: int
    # transformers: bf16, fp16, fp32, int8 or nf4; llama.cpp: the file's own, e.g. Q4_1.
    precision: str
    precision_reason: str
    device: Device
    memory_bytes: int
    context_window: int
    kv_bytes_per_token: int
    # transformers: KV cache tokens (summed over a batch) that fit in the memory left after
    # loading. llama.cpp: KV cache tokens of one request (it has a stream of its own).
    kv_budget_tokens: int
    has_chat_template: bool
    fim_tokens: FimTokens | None
    load_seconds: float
    source_path: Path
    backend: Backend = "transformers"
    backend_reason: str = ""


@dataclass(frozen=True)
class LoadedModel:
    # The transformers model; None when llama.cpp runs the model (then `llama` is set).
    model: PreTrainedModel | None
    tokenizer: PreTrainedTokenizerBase
    info: ModelInfo
    # Token ids that end a reply: EOS and the end-of-turn markers the vocabulary has.
    stop_token_ids: frozenset[int]
    llama: "LlamaCppModel | None" = None
    # A fast tokenizer sets per-call switches (split_special_tokens, truncation) on its one shared
    # Rust object before encoding, so two threads encoding at once can get each other's
    # switches: a student's "<|im_end|>" could become a control token. Encode under this lock.
    encode_lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    @property
    def transformers_model(self) -> PreTrainedModel:
        """The transformers model; ValueError if llama.cpp runs this one."""
        if self.model is None:
            raise ValueError(f"{self.info.source_path} runs on llama.cpp, not transformers")
        return self.model


@dataclass(frozen=True)
class _Source:
    folder: Path
    gguf_name: str | None

    @property
    def description(self) -> str:
        return str(self.folder / self.gguf_name) if self.gguf_name else str(self.folder)

    def from_pretrained_kwargs(self) -> dict[str, Any]:
        if self.gguf_name:
            return {"gguf_file": self.gguf_name, "local_files_only": True}
        return {"local_files_only": True}


def choose_backend(
    request: BackendRequest,
    *,
    is_gguf: bool,
    device: Device,
    device_request: DeviceRequest,
    precision_request: PrecisionRequest,
    llamacpp_available: bool,
) -> tuple[Backend, str]:
    """Which backend runs a model, and why; raises ModelLoadError for an impossible request.

    auto: llama.cpp for a .gguf file that runs on the CPU at no asked-for precision, when
    llama-cpp-python is installed; transformers otherwise (folders, GPUs, an explicit bf16/fp32
    to dequantize to).
    """
    if request == "transformers":
        return "transformers", "transformers: asked for"
    if request == "llamacpp":
        problems = []
        if not is_gguf:
            problems.append("it runs .gguf files only")
        if device_request not in ("auto", "cpu"):
            problems.append(f"it runs on the CPU here, not {device_request}")
        if precision_request != "auto":
            problems.append(
                f"it runs the file's own quantization, not {precision_request} "
                "(leave the precision on auto)"
            )
        if not llamacpp_available:
            problems.append("llama-cpp-python is not installed (pip install -e .[llamacpp])")
        if problems:
            raise ModelLoadError(f"cannot use the llama.cpp backend: {'; '.join(problems)}")
        return "llamacpp", "llama.cpp: asked for"
    if not is_gguf:
        return "transformers", "transformers: not a .gguf file"
    if device != "cpu":
        return "transformers", f"transformers: llama.cpp runs on the CPU only here, not {device}"
    if precision_request != "auto":
        return "transformers", f"transformers: {precision_request} asked for"
    if not llamacpp_available:
        return "transformers", "transformers: llama-cpp-python is not installed"
    return "llamacpp", "llama.cpp: a .gguf file on the CPU"


def load_model(spec: ModelSpec) -> LoadedModel:
    """Loads a model and its tokenizer, choosing backend, device and precision; raises
    ModelLoadError.

    Loading computes (torch builds, converts and quantizes weights) in a thread of its own that
    ends with it: the OpenMP worker threads that computing made for that thread end too, rather
    than staying with the caller's thread and slowing the engine's (see engine.py).
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="llm-loader") as loader:
        return loader.submit(_load_model, spec).result()


def _load_model(spec: ModelSpec) -> LoadedModel:
    started = time.monotonic()
    _check_llamacpp_options(spec.llamacpp)
    source = _locate(Path(spec.path).expanduser())
    try:
        device = resolve_device(spec.device)
    except ValueError as error:
        raise ModelLoadError(str(error)) from error
    config = _load_config(source)
    backend, backend_reason = choose_backend(
        spec.backend,
        is_gguf=source.gguf_name is not None,
        device=device,
        device_request=spec.device,
        precision_request=spec.precision,
        llamacpp_available=(
            spec.backend == "llamacpp" or (spec.backend == "auto" and source.gguf_name is not None)
        )
        and _llamacpp_available(),
    )
    if backend == "llamacpp":
        from tutor.llm.llamacpp import LlamaCppError

        try:
            return _load_with_llamacpp(spec, source, config, backend_reason, started)
        except LlamaCppError as error:
            if spec.backend == "llamacpp":
                raise ModelLoadError(
                    f"cannot run {source.description} on llama.cpp: {error}"
                ) from error
            logger.warning(
                "not running %s on llama.cpp (%s); using transformers", source.description, error
            )
            backend_reason = f"transformers: llama.cpp refused it ({error})"
    parameter_count, embedding_count, _ = _count_parameters(config)
    kv_16bit = kv_bytes_per_token(config, 2)
    available_before_load = available_memory_bytes(device)
    precision, reason = _pick_precision(
        spec, source, device, parameter_count, embedding_count, kv_16bit, available_before_load
    )
    logger.info("loading %s as %s on %s: %s", source.description, precision, device, reason)
    transformers_logging.disable_progress_bar()
    model = _load_weights(source, config, precision, device)
    tokenizer = _load_tokenizer(source)
    _warm_up(model)
    kv_per_token = kv_bytes_per_token(
        config, torch.finfo(compute_dtype(precision, device)).bits // 8
    )
    memory_bytes = int(model.get_memory_footprint())
    # From the memory before loading: afterwards, memory-mapped weights look like reclaimable
    # page cache and would be counted twice.
    kv_room = (
        available_before_load * (1 - MEMORY_HEADROOM_FRACTION)
        - memory_bytes
        - RUNTIME_OVERHEAD_BYTES
    )
    info = ModelInfo(
        architecture=type(model).__name__,
        model_type=str(config.model_type),
        parameter_count=parameter_count,
        precision=precision,
        precision_reason=reason,
        device=device,
        memory_bytes=memory_bytes,
        context_window=_context_window(config),
        kv_bytes_per_token=kv_per_token,
        kv_budget_tokens=max(int(kv_room // kv_per_token), 0),
        has_chat_template=bool(getattr(tokenizer, "chat_template", None)),
        fim_tokens=find_fim_tokens(tokenizer),
        load_seconds=time.monotonic() - started,
        source_path=Path(source.description),
        backend="transformers",
        backend_reason=backend_reason,
    )
    generation_eos = model.generation_config.eos_token_id if model.generation_config else None
    return LoadedModel(model, tokenizer, info, _stop_token_ids(config, generation_eos, tokenizer))


def _check_llamacpp_options(options: LlamaCppOptions) -> None:
    for name in ("flash_attention", "repack"):
        value = getattr(options, name)
        if value not in SWITCH_CHOICES:
            raise ModelLoadError(
                f"llama.cpp's {name.replace('_', ' ')} setting must be auto, on or off, "
                f"not {value!r}"
            )


def _load_with_llamacpp(
    spec: ModelSpec, source: _Source, config: PretrainedConfig, reason: str, started: float
) -> LoadedModel:
    """The weights through llama.cpp (never through torch), the tokenizer through transformers;
    raises LlamaCppError when llama.cpp cannot load the file or their vocabularies differ."""
    from tutor.llm.llamacpp import LlamaCppModel, check_vocabulary

    assert source.gguf_name is not None
    available_before_load = available_memory_bytes("cpu")
    parameter_count, _, architecture = _count_parameters(config)
    tokenizer = _load_tokenizer(source)
    llama = LlamaCppModel(source.folder / source.gguf_name, spec.llamacpp)
    try:
        check_vocabulary(tokenizer, llama)
    except Exception:
        llama.close()
        raise
    window = _context_window(config)
    # llama.cpp keeps its KV cache in f16.
    kv_per_token = kv_bytes_per_token(config, 2)
    kv_room = (
        available_before_load * (1 - MEMORY_HEADROOM_FRACTION)
        - llama.size_bytes
        - RUNTIME_OVERHEAD_BYTES
    )
    # A stream per request and per prefix holder, allocated when the engine starts (see
    # llamacpp.py and runners.LlamaCppRunner).
    streams = max(spec.parallel_requests, 1) + max(spec.prefix_holders, 0)
    kv_budget = min(window, max(int(kv_room // kv_per_token), 0) // streams)
    info = ModelInfo(
        architecture=architecture,
        model_type=str(config.model_type),
        parameter_count=parameter_count,
        precision=llama.file_type,
        precision_reason=(
            f"{llama.file_type}: the file's own quantization, run by llama.cpp on "
            f"{llama.threads} CPU threads"
        ),
        device="cpu",
        memory_bytes=llama.size_bytes,
        context_window=window,
        kv_bytes_per_token=kv_per_token,
        kv_budget_tokens=kv_budget,
        has_chat_template=bool(getattr(tokenizer, "chat_template", None)),
        fim_tokens=find_fim_tokens(tokenizer),
        load_seconds=time.monotonic() - started,
        source_path=Path(source.description),
        backend="llamacpp",
        backend_reason=reason,
    )
    logger.info("loaded %s on llama.cpp (%s): %s", source.description, llama.description, reason)
    return LoadedModel(None, tokenizer, info, _stop_token_ids(config, None, tokenizer), llama)


def _llamacpp_available() -> bool:
    from tutor.llm.llamacpp import available

    return available()


def find_fim_tokens(tokenizer: PreTrainedTokenizerBase) -> FimTokens | None:
    """The model's fill-in-the-middle tokens, if its vocabulary has a whole family of them."""
    vocab = tokenizer.get_vocab()
    for prefix, suffix, middle in _FIM_FAMILIES:
        if prefix in vocab and suffix in vocab and middle in vocab:
            return FimTokens(prefix, suffix, middle)
    return None


def _locate(path: Path) -> _Source:
    if not path.exists():
        raise ModelLoadError(f"no model at {path}: {EXPECTED_LAYOUT}")
    if path.is_file():
        if path.suffix.lower() != ".gguf":
            raise ModelLoadError(f"{path} is a file but not a .gguf file: {EXPECTED_LAYOUT}")
        _check_gguf_magic(path)
        return _Source(path.parent, path.name)
    if not (path / "config.json").is_file():
        ggufs = sorted(path.glob("*.gguf"))
        if len(ggufs) == 1:
            _check_gguf_magic(ggufs[0])
            return _Source(path, ggufs[0].name)
        raise ModelLoadError(f"no config.json in {path}: {EXPECTED_LAYOUT}")
    missing = []
    if not any((path / name).is_file() for name in _TOKENIZER_FILES):
        missing.append("tokenizer files (tokenizer.json or tokenizer.model)")
    if not any(path.glob("*.safetensors")):
        # .bin checkpoints are pickles that can run code when loaded; we only take safetensors.
        missing.append("*.safetensors weights")
    if missing:
        raise ModelLoadError(f"{path} has no {' and no '.join(missing)}: {EXPECTED_LAYOUT}")
    return _Source(path, None)


def _check_gguf_magic(path: Path) -> None:
    with path.open("rb") as file:
        if file.read(4) != _GGUF_MAGIC:
            raise ModelLoadError(
                f"{path} does not start with the GGUF magic bytes: {EXPECTED_LAYOUT}"
            )


def _load_config(source: _Source) -> PretrainedConfig:
    if not source.gguf_name:
        try:
            json.loads((source.folder / "config.json").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ModelLoadError(
                f"config.json in {source.folder} is not readable JSON ({error}): {EXPECTED_LAYOUT}"
            ) from error
    try:
        config = AutoConfig.from_pretrained(source.folder, **source.from_pretrained_kwargs())
    except Exception as error:  # transformers raises many types for a bad or unknown config
        raise ModelLoadError(
            f"cannot read the model config of {source.description}: {error}"
        ) from error
    if not any(name.endswith("ForCausalLM") for name in config.architectures or ["ForCausalLM"]):
        raise ModelLoadError(
            f"{source.description} holds a {config.architectures} model, not a causal LM"
        )
    # Stable Code Instruct's config turns the KV cache off; generation is unusably slow without it.
    config.use_cache = True
    return cast(PretrainedConfig, config)


def _count_parameters(config: PretrainedConfig) -> tuple[int, int, str]:
    """(all parameters, embedding + untied LM head parameters, model class), from the config
    alone."""
    try:
        # On the meta device: shapes only, no memory, and tied weights are tied.
        with torch.device("meta"):
            skeleton = AutoModelForCausalLM.from_config(config)
    except Exception as error:
        raise ModelLoadError(
            f"transformers cannot build a {config.model_type} model: {error}"
        ) from error
    parameter_count = sum(parameter.numel() for parameter in skeleton.parameters())
    embeddings = skeleton.get_input_embeddings().weight.numel()
    output = skeleton.get_output_embeddings()
    if output is not None and output.weight is not skeleton.get_input_embeddings().weight:
        embeddings += output.weight.numel()
    return parameter_count, embeddings, type(skeleton).__name__


def _pick_precision(
    spec: ModelSpec,
    source: _Source,
    device: Device,
    parameter_count: int,
    embedding_count: int,
    kv_16bit: int,
    available_bytes: int,
) -> tuple[Precision, str]:
    allowed: tuple[Precision, ...] | None = _GGUF_PRECISIONS if source.gguf_name else None
    if device == "cuda" and not torch.cuda.is_bf16_supported():
        allowed = tuple(p for p in allowed or ("fp16", "int8", "nf4") if p != "bf16")
    if spec.precision != "auto":
        if allowed is not None and spec.precision not in allowed:
            raise ModelLoadError(
                f"precision {spec.precision} is not available for {source.description} on "
                f"{device}; choose one of {', '.join(allowed)}"
            )
        if spec.precision in ("int8", "nf4") and device == "mps":
            raise ModelLoadError("int8 and nf4 need bitsandbytes, which does not run on mps")
        return spec.precision, f"{spec.precision}: asked for"
    # Only a CPU has to find out whether bf16 pays; a GPU's preference order already knows.
    timing = measured_cpu_matmuls() if device == "cpu" else None
    try:
        choice = choose_precision(
            device=device,
            parameter_count=parameter_count,
            embedding_parameter_count=embedding_count,
            kv_bytes_per_token_16bit=kv_16bit,
            kv_reserve_tokens=spec.kv_reserve_tokens,
            available_bytes=available_bytes,
            cpu_bf16_faster=timing is not None and timing.bf16_is_faster(),
            allowed=allowed,
        )
    except MemoryError as error:
        raise ModelLoadError(f"cannot load {source.description}: {error}") from error
    if timing is not None:
        return choice.precision, f"{choice.reason}; {timing.describe()}"
    return choice.precision, choice.reason


def _load_weights(
    source: _Source, config: PretrainedConfig, precision: Precision, device: Device
) -> PreTrainedModel:
    dtype = compute_dtype(precision, device)
    kwargs: dict[str, Any] = {
        **source.from_pretrained_kwargs(),
        "config": config,
        "dtype": dtype,
        "device_map": {"": device},
    }
    if not source.gguf_name:
        kwargs["use_safetensors"] = True
    if precision == "int8":
        kwargs["quantization_config"] = BitsAndBytesConfig(load_in_8bit=True)
    elif precision == "nf4":
        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=dtype
        )
    try:
        model = AutoModelForCausalLM.from_pretrained(source.folder, **kwargs)
    except Exception as error:  # a broken file surfaces as OSError, ValueError, RuntimeError, ...
        raise ModelLoadError(
            f"cannot load the weights of {source.description} as {precision} on {device}: {error}"
        ) from error
    model.eval()
    return cast(PreTrainedModel, model)


def _warm_up(model: PreTrainedModel) -> None:
    """One forward pass, so the first student does not wait for it: safetensors weights are
    memory-mapped and only read on first use (Stable Code 3B in bf16: ~20 s here)."""
    try:
        with torch.inference_mode():
            model(input_ids=torch.zeros((1, 1), dtype=torch.long, device=model.device))
    except Exception as error:
        raise ModelLoadError(
            f"the model loaded but cannot run on {model.device}: {error}"
        ) from error


def load_tokenizer_at(path: Path) -> PreTrainedTokenizerBase:
    """The tokenizer of a model folder or .gguf file alone (a model server's model, whose
    weights are elsewhere: tutor/assist/remote_engine.py)."""
    return _load_tokenizer(_locate(path))


def _load_tokenizer(source: _Source) -> PreTrainedTokenizerBase:
    try:
        tokenizer = AutoTokenizer.from_pretrained(source.folder, **source.from_pretrained_kwargs())
    except Exception as error:
        raise ModelLoadError(
            f"cannot load the tokenizer of {source.description}: {error}"
        ) from error
    return cast(PreTrainedTokenizerBase, tokenizer)


def _context_window(config: PretrainedConfig) -> int:
    for name in ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length"):
        value = getattr(config, name, None)
        if isinstance(value, int) and value > 0:
            return value
    return 2048


def _stop_token_ids(
    config: PretrainedConfig, generation_eos: object, tokenizer: PreTrainedTokenizerBase
) -> frozenset[int]:
    ids: set[int] = set()
    for value in (generation_eos, config.eos_token_id, tokenizer.eos_token_id):
        if isinstance(value, int):
            ids.add(value)
        elif isinstance(value, list):
            ids.update(v for v in value if isinstance(v, int))
    vocab = tokenizer.get_vocab()
    ids.update(vocab[token] for token in _END_OF_TURN_TOKENS if token in vocab)
    return frozenset(ids)
