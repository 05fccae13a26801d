import pytest

from tutor.llm.precision import (
    GIB,
    MatmulTiming,
    choose_precision,
    model_threads,
    time_cpu_matmuls,
    weight_bytes,
)

# Stable Code 3B: 2.80e9 parameters, 2 x 50304 x 2560 of them in untied embeddings.
STABLE_CODE_PARAMETERS = 2_795_443_200
STABLE_CODE_EMBEDDINGS = 2 * 50304 * 2560
KV_FP16 = 320 * 1024


def choose(available_gib: float, device: str = "cpu", **overrides: object):
    """Stable Code 3B on a CPU where bf16 computes faster than fp32 unless overridden."""
    arguments: dict[str, object] = {
        "device": device,
        "cpu_bf16_faster": True,
        "parameter_count": STABLE_CODE_PARAMETERS,
        "embedding_parameter_count": STABLE_CODE_EMBEDDINGS,
        "kv_bytes_per_token_16bit": KV_FP16,
        "kv_reserve_tokens": 8192,
        "available_bytes": int(available_gib * GIB),
    }
    arguments.update(overrides)
    return choose_precision(**arguments)  # type: ignore[arg-type]


def test_weight_bytes_per_mode() -> None:
    assert weight_bytes(1000, 0, "fp32") == 4000
    assert weight_bytes(1000, 0, "bf16") == 2000
    assert weight_bytes(1000, 0, "int8") == 1000
    assert weight_bytes(1000, 200, "int8") == 800 + 400  # embeddings stay 16-bit
    assert 500 < weight_bytes(1000, 0, "nf4") < 600


def test_bf16_when_it_fits() -> None:
    choice = choose(available_gib=22)

    assert choice.precision == "bf16"
    assert "bf16" in choice.reason and "GiB" in choice.reason


def test_quantized_when_bf16_does_not_fit() -> None:
    # bf16 needs 5.2 GiB of weights + 2.5 GiB KV + 1 GiB runtime.
    assert choose(available_gib=8).precision == "int8"
    assert choose(available_gib=6.5).precision == "nf4"


def test_nothing_fits_raises_with_every_footprint() -> None:
    with pytest.raises(MemoryError, match=r"bf16 .* GiB, int8 .* GiB, nf4 .* GiB"):
        choose(available_gib=3)


def test_a_smaller_kv_reserve_lets_a_better_mode_fit() -> None:
    assert choose(available_gib=8).precision == "int8"
    assert choose(available_gib=8, kv_reserve_tokens=1024).precision == "bf16"


def test_gguf_files_never_get_bitsandbytes_modes() -> None:
    with pytest.raises(MemoryError):
        choose(available_gib=8, allowed=("bf16", "fp16", "fp32"))


def test_cpus_where_bf16_is_slower_run_fp32_where_it_fits() -> None:
    # fp32: 11.4 GiB of weights, 5 GiB of fp32 KV cache, 1 GiB runtime.
    assert choose(available_gib=22, cpu_bf16_faster=False).precision == "fp32"
    assert choose(available_gib=16, cpu_bf16_faster=False).precision == "bf16"
    assert choose(available_gib=22, cpu_bf16_faster=True).precision == "bf16"


def test_gpus_ignore_the_cpu_bf16_question() -> None:
    assert choose(available_gib=40, device="cuda", cpu_bf16_faster=False).precision == "bf16"


def test_cuda_prefers_16_bit_then_quantized() -> None:
    assert choose(available_gib=40, device="cuda").precision == "bf16"
    no_bf16 = choose(available_gib=40, device="cuda", allowed=("fp16", "int8", "nf4"))
    assert no_bf16.precision == "fp16"


# ---- bf16 or fp32 on this CPU: by measurement ------------------------------------------------


@pytest.mark.parametrize(
    ("fp32_seconds", "bf16_seconds", "bf16_chosen"),
    [
        (0.010, 0.002, True),  # AMX: bf16 five times as fast
        (0.010, 0.0083, True),  # just over the required 1.2x
        (0.010, 0.009, False),  # a little faster is not worth the risk of a noisy timing
        (0.010, 0.017, False),  # AVX512-BF16 without AMX (AMD Zen 4): 1.7x slower
        (0.004, 0.020, False),  # AVX2 only: torch converts every bf16 matmul
    ],
)
def test_bf16_is_chosen_only_where_it_measured_clearly_faster(
    fp32_seconds: float, bf16_seconds: float, bf16_chosen: bool
) -> None:
    timing = MatmulTiming(fp32_seconds=fp32_seconds, bf16_seconds=bf16_seconds)
    assert timing.bf16_is_faster() is bf16_chosen
    expected = "bf16" if bf16_chosen else "fp32"
    # What _pick_precision passes on: a model that fits either way gets the faster one.
    assert choose(available_gib=22, cpu_bf16_faster=timing.bf16_is_faster()).precision == expected
    assert f"{fp32_seconds / bf16_seconds:.1f}x" in timing.describe()


def test_the_timing_measures_both_precisions_on_this_cpu() -> None:
    timing = time_cpu_matmuls(rows=(4,), width=64, repeats=2)
    assert 0 < timing.fp32_seconds < 1 and 0 < timing.bf16_seconds < 1


@pytest.mark.parametrize(
    ("physical_cores", "allowed_cpus", "threads"),
    [
        (2, 2, 1),  # the lab server: one core stays for pages and grading
        (1, 1, 1),
        (16, None, 15),
        (16, 4, 3),  # pinned to 4 CPUs (taskset, a container's cpuset)
        (8, 16, 7),  # hyperthreads do not count
    ],
)
def test_the_model_leaves_a_core_to_the_rest_of_the_server(
    physical_cores: int, allowed_cpus: int | None, threads: int
) -> None:
    assert model_threads(physical_cores=physical_cores, allowed_cpus=allowed_cpus) == threads
