"""Prefill through our Engine on llama.cpp against llama.cpp alone (a benchmark, not a test).

Issue 22: our llama.cpp engine's first token on a 500-token prompt took 1.6x llama.cpp's own
(SmolLM2 Q4_1: 3.32 s vs 2.07 s, bench/llm_report.py). This prints the time to the first token
of one prompt, alone on the engine, for llama.cpp alone (llama_cpp.Llama, n_batch 512, as
bench/llm_llamacpp.py) and for the Engine as the llm worker builds it (tutor/assist/engine.py:
8 slots, 2 prefix holders: 0.5 s prefill chunks, 64 tokens at first), and the Engine prefilling
in chunks of up to 4 s when nothing else runs (alone_prefill_chunk_seconds, off by default
until a quiet machine shows it helps), each --repeats times, in one process. The machine is
shared: compare the best of each, and rerun on a quiet machine for figures to quote.

    .venv/bin/python bench/llm_prefill.py                  # the embedded SmolLM2 Q4_1
    .venv/bin/python bench/llm_prefill.py --gguf /models/stable-code-3b.Q4_K_M.gguf
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tutor.llm  # noqa: F401  (offline environment first)
from tutor.llm.embedded import embedded_model_path
from tutor.llm.engine import Engine
from tutor.llm.llamacpp import LlamaCppOptions
from tutor.llm.loading import ModelSpec, load_model
from tutor.llm.requests import GenerationRequest, TokenDelta


def prompt_ids(length: int, vocab: int, salt: int) -> list[int]:
    # Ordinary ids (past the first 100, where special tokens live), different on every run so
    # that no run reuses another's prefix.
    return [100 + (index * 7919 + salt * 104729) % (vocab - 100) for index in range(length)]


def llama_alone(gguf: Path, threads: int, prompts: list[list[int]]) -> list[float]:
    import llama_cpp.llama_cpp
    from llama_cpp import Llama

    from tutor.llm.llamacpp import model_params

    llama_cpp.llama_cpp.llama_model_default_params = model_params
    model = Llama(model_path=str(gguf), n_ctx=2048, n_threads=threads, n_batch=512, verbose=False)
    times = []
    for prompt in prompts:
        started = time.monotonic()
        model.reset()
        model.eval(prompt)
        model.sample(temp=0.0)
        times.append(time.monotonic() - started)
    return times


def engine_first_tokens(
    gguf: Path, threads: int, prompts: list[list[int]], alone_chunk_seconds: float | None
) -> list[float]:
    """alone_chunk_seconds None: the engine's default."""
    loaded = load_model(
        ModelSpec(
            path=gguf,
            backend="llamacpp",
            llamacpp=LlamaCppOptions(threads=threads),
            parallel_requests=8,
            prefix_holders=2,
        )
    )
    times = []
    engine = (
        Engine(loaded, max_batch_size=8, prefix_holders=2, kv_budget_tokens=1024)
        if alone_chunk_seconds is None
        else Engine(
            loaded,
            max_batch_size=8,
            prefix_holders=2,
            kv_budget_tokens=1024,
            alone_prefill_chunk_seconds=alone_chunk_seconds,
        )
    )
    with engine:
        for prompt in prompts:
            started = time.monotonic()
            handle = engine.submit(GenerationRequest(prompt, max_new_tokens=2))
            first = None
            for event in handle.events():
                if first is None and isinstance(event, TokenDelta):
                    first = time.monotonic() - started
            times.append(first if first is not None else time.monotonic() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gguf", type=Path)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--prompt-tokens", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=4)
    args = parser.parse_args()
    gguf = args.gguf or embedded_model_path(Path("/tmp/labtutor-bench"))
    from llama_cpp import Llama

    vocab = Llama(model_path=str(gguf), vocab_only=True, verbose=False).n_vocab()
    prompts = [prompt_ids(args.prompt_tokens, vocab, salt) for salt in range(args.repeats)]
    alone = llama_alone(gguf, args.threads, prompts)
    ours = engine_first_tokens(gguf, args.threads, prompts, alone_chunk_seconds=None)
    long_chunks = engine_first_tokens(gguf, args.threads, prompts, alone_chunk_seconds=4.0)
    print(f"{gguf.name}, {args.prompt_tokens}-token prompt, {args.threads} threads")
    print(f"load: {os.getloadavg()[0]:.1f} (1 min average; the machine is shared)")
    rows = (("llama.cpp alone", alone), ("Engine", ours), ("Engine, 4 s chunks", long_chunks))
    for name, times in rows:
        listed = " ".join(f"{seconds:.2f}" for seconds in times)
        print(
            f"{name:18} first token: best {min(times):.2f} s, median "
            f"{statistics.median(times):.2f} s  ({listed})"
        )
    print(
        f"ratio of the best to llama.cpp alone: Engine {min(ours) / min(alone):.2f}x, "
        f"with 4 s chunks {min(long_chunks) / min(alone):.2f}x"
    )


if __name__ == "__main__":
    main()
