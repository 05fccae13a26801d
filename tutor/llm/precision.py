"""Picking a device, a weight precision and CPU threads that fit this machine, and saying why."""

import os
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import psutil
import torch

Device = Literal["cuda", "mps", "cpu"]
DeviceRequest = Literal["auto", "cuda", "mps", "cpu"]
Precision = Literal["bf16", "fp16", "fp32", "int8", "nf4"]
PrecisionRequest = Literal["auto", "bf16", "fp16", "fp32", "int8", "nf4"]

GIB = 1024**3

# Bytes per weight of the layers each mode stores. bitsandbytes quantizes the linear layers only;
# the embeddings (and an untied LM head) stay in the 16-bit compute dtype. nf4 adds one fp32
# absmax per 64 weights; int8 one fp32 scale per row, which is negligible.
_LINEAR_BYTES: dict[Precision, float] = {
    "fp32": 4.0,
    "bf16": 2.0,
    "fp16": 2.0,
    "int8": 1.0,
    "nf4": 0.5 + 4 / 64,
}
_EMBEDDING_BYTES: dict[Precision, float] = {
    "fp32": 4.0,
    "bf16": 2.0,
    "fp16": 2.0,
    "int8": 2.0,
    "nf4": 2.0,
}

# What the process needs beyond weights and KV cache: torch and transformers themselves,
# activations, the tokenizer. Measured: ~0.9 GiB RSS for a 135M model minus its weights.
RUNTIME_OVERHEAD_BYTES = GIB
# Keep this share of free memory untouched: the rest of the lab server (database, Redis, the
# sandboxes running student code) lives on the same machine.
MEMORY_HEADROOM_FRACTION = 0.15

# Best first. On a CPU without fast bf16 (AVX2 only, or AVX512-BF16 without AMX, e.g. AMD Zen 4)
# torch's bf16 matmuls are slower than fp32, and fp32 is faster wherever it fits. Measured with
# bench/llm_engine.py on an AVX2 CPU, Stable Code 3B: first token after a 500-token prompt 42 s
# in fp32 against 125 s in bf16; SmolLM2-135M prefilled 407 tokens in 1.3 s against 6.5 s. On the
# 2-core lab CPU with AMX, SmolLM2-135M the other way round (issue 15, under load 5-7):
# 400 tokens prefilled in 0.21 s in bf16; decoding 24.5 tok/s for one stream and 140 for eight in
# bf16. Which case a CPU is, a timed matmul at load time says (time_cpu_matmuls): flags alone
# cannot, AVX512-BF16 without AMX is the slow case. bitsandbytes int8 and nf4 are last: they fit
# in the least memory but decoded Stable Code 3B at 0.2 tok/s here.
_PREFERENCE: dict[Device, tuple[Precision, ...]] = {
    "cuda": ("bf16", "fp16", "int8", "nf4"),
    "mps": ("fp16", "fp32"),
    "cpu": ("bf16", "int8", "nf4"),
}
_CPU_WITHOUT_BF16_PREFERENCE: tuple[Precision, ...] = ("fp32", "bf16", "int8", "nf4")


def model_threads(*, physical_cores: int, allowed_cpus: int | None) -> int:
    """CPU threads for the model's compute: one core fewer than this process may use, at least
    one; hyperthreads bring nothing to matmuls.

    The lab server's other work (pages, the sandboxes grading students' code) needs a core, and
    a model that computes on every core stalls whenever one of its threads is preempted: each
    step waits at barriers for the slowest thread. Measured on the 2-core lab CPU under other
    load (load average 3-5), SmolLM2-135M (bench/llm_quickstart.py, issue 15): transformers bf16
    with 2 threads took 33 s for a 128-token answer and 25 s (p95) for a burst of 10 hints, with
    1 thread 9 s and 8.5 s; llama.cpp's first text came after 15-32 s with 2 threads, 1.6-1.9 s
    with 1.
    """
    usable = min(physical_cores, allowed_cpus or physical_cores)
    return max(1, usable - 1)


def default_threads() -> int:
    """model_threads() for this machine and this process's CPU affinity."""
    allowed = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    physical = psutil.cpu_count(logical=False) or os.cpu_count() or 1
    return model_threads(physical_cores=physical, allowed_cpus=allowed)


@dataclass(frozen=True)
class PrecisionChoice:
    precision: Precision
    reason: str


def resolve_device(request: DeviceRequest) -> Device:
    if request == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if request == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was asked for, but torch sees no CUDA GPU")
    if request == "mps" and not torch.backends.mps.is_available():
        raise ValueError("device 'mps' was asked for, but torch has no MPS backend here")
    return request


@cache
def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags as Linux's /proc/cpuinfo lists them; elsewhere none are known."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    line = next((line for line in cpuinfo.splitlines() if line.startswith("flags")), "")
    return frozenset(line.partition(":")[2].split())


# bf16 must beat fp32 by this factor to be chosen: the timing is taken once, on a machine that
# may be busy, and fp32 is the safe default on CPUs.
BF16_MIN_SPEEDUP = 1.2
# The shapes a step multiplies: a decode step of a batch (8 rows) and a prefill chunk (256 rows),
# against a weight matrix of a small model's width.
_TIMED_ROWS = (8, 256)
_TIMED_WIDTH = 1024
_TIMED_REPEATS = 5


@dataclass(frozen=True)
class MatmulTiming:
    """Seconds the same matmuls took in fp32 and in bf16 on this CPU (best of a few tries)."""

    fp32_seconds: float
    bf16_seconds: float

    @property
    def bf16_speedup(self) -> float:
        return self.fp32_seconds / max(self.bf16_seconds, 1e-12)

    def bf16_is_faster(self) -> bool:
        return self.bf16_speedup >= BF16_MIN_SPEEDUP

    def describe(self) -> str:
        return (
            f"bf16 matmuls measured {self.bf16_speedup:.1f}x the speed of fp32 on this CPU "
            f"(bf16 is chosen from {BF16_MIN_SPEEDUP}x)"
        )


def time_cpu_matmuls(
    *, rows: tuple[int, ...] = _TIMED_ROWS, width: int = _TIMED_WIDTH, repeats: int = _TIMED_REPEATS
) -> MatmulTiming:
    """Times decode- and prefill-shaped matmuls in fp32 and bf16, interleaved so that other load
    on the machine hits both alike; the best of `repeats` tries each. A few tens of ms."""
    weights = torch.randn(width, width * 3)
    inputs = [torch.randn(count, width) for count in rows]
    best = {torch.float32: float("inf"), torch.bfloat16: float("inf")}
    cast = {dtype: (weights.to(dtype), [x.to(dtype) for x in inputs]) for dtype in best}
    with torch.inference_mode():
        for round_number in range(repeats + 1):
            for dtype, (w, xs) in cast.items():
                started = time.perf_counter()
                for x in xs:
                    x @ w
                elapsed = time.perf_counter() - started
                # Round 0 warms up (allocations, kernel choice) and does not count.
                if round_number:
                    best[dtype] = min(best[dtype], elapsed)
    return MatmulTiming(fp32_seconds=best[torch.float32], bf16_seconds=best[torch.bfloat16])


@cache
def measured_cpu_matmuls() -> MatmulTiming:
    """time_cpu_matmuls() once per process: the CPU does not change."""
    return time_cpu_matmuls()


def available_memory_bytes(device: Device) -> int:
    """Memory a model could still use: free VRAM on CUDA, else available RAM (MPS shares RAM)."""
    if device == "cuda":
        free, _total = torch.cuda.mem_get_info()
        return int(free)
    return int(psutil.virtual_memory().available)


def weight_bytes(parameter_count: int, embedding_parameter_count: int, precision: Precision) -> int:
    linear = max(parameter_count - embedding_parameter_count, 0)
    return int(
        linear * _LINEAR_BYTES[precision] + embedding_parameter_count * _EMBEDDING_BYTES[precision]
    )


def compute_dtype(precision: Precision, device: Device) -> torch.dtype:
    """The dtype activations and the KV cache use under a precision mode."""
    if precision == "fp32":
        return torch.float32
    if precision == "fp16" or (device == "mps" and precision in ("int8", "nf4")):
        return torch.float16
    return torch.bfloat16


def choose_precision(
    *,
    device: Device,
    parameter_count: int,
    embedding_parameter_count: int,
    kv_bytes_per_token_16bit: int,
    kv_reserve_tokens: int,
    available_bytes: int,
    cpu_bf16_faster: bool,
    allowed: tuple[Precision, ...] | None = None,
) -> PrecisionChoice:
    """The first precision in this device's preference order whose footprint fits.

    cpu_bf16_faster: whether bf16 computes faster than fp32 on this CPU (MatmulTiming; ignored
    on GPUs).

    Footprint = weights + a KV cache reserve of `kv_reserve_tokens` tokens + runtime overhead,
    against the available memory minus headroom. `allowed` narrows the candidates (a GGUF file
    cannot go through bitsandbytes).
    """
    budget = int(available_bytes * (1 - MEMORY_HEADROOM_FRACTION))
    preference = _PREFERENCE[device]
    if device == "cpu" and not cpu_bf16_faster:
        preference = _CPU_WITHOUT_BF16_PREFERENCE
    candidates = [p for p in preference if allowed is None or p in allowed]
    footprints: list[str] = []
    for precision in candidates:
        kv_bytes = kv_bytes_per_token_16bit * kv_reserve_tokens
        if compute_dtype(precision, device) == torch.float32:
            kv_bytes *= 2
        need = (
            weight_bytes(parameter_count, embedding_parameter_count, precision)
            + kv_bytes
            + RUNTIME_OVERHEAD_BYTES
        )
        footprints.append(f"{precision} {need / GIB:.1f} GiB")
        if need <= budget:
            return PrecisionChoice(
                precision,
                f"{precision}: needs {need / GIB:.1f} GiB (weights of "
                f"{parameter_count / 1e9:.2f}B parameters, KV cache for {kv_reserve_tokens} "
                f"tokens, runtime) of {budget / GIB:.1f} GiB usable on {device} "
                f"({available_bytes / GIB:.1f} GiB available, "
                f"{MEMORY_HEADROOM_FRACTION:.0%} kept free)",
            )
    raise MemoryError(
        f"the model does not fit in {budget / GIB:.1f} GiB usable on {device}: "
        + ", ".join(footprints)
    )
