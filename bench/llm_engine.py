"""Engine speed and memory per precision mode, for Stable Code 3B's architecture at full size.

Not a test. Builds StableLmForCausalLM with Stable Code 3B's exact shape and random weights (bf16,
5.6 GB, once, in --work-dir), then for each mode, in a fresh process so peak RSS is its own:
load time, time to first token for a --prompt-tokens prompt, decode tok/s of one request, and
decode tok/s with --concurrency requests at once through the Engine.

    .venv/bin/python bench/llm_engine.py --quick                  # minutes: short prompts
    .venv/bin/python bench/llm_engine.py --modes bf16 int8 nf4    # the full run, slow on 2 cores
    .venv/bin/python bench/llm_engine.py --embedded --modes fp32  # the embedded model instead
    .venv/bin/python bench/llm_engine.py --embedded --backend llamacpp  # ... on llama.cpp
    .venv/bin/python bench/llm_engine.py --embedded --embedded-model gemma3-270m --backend llamacpp

--backend picks what runs the model behind the Engine (tutor/llm/runners.py): transformers
(default here, at each of --modes) or llamacpp (a .gguf file at its own quantization; --modes is
then ignored; needs llama-cpp-python, the `bench` extra). Each row starts with the precision
that ran and names the backend.
"""

import argparse
import dataclasses
import json
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import torch
from tokenizers import Tokenizer, models, pre_tokenizers
from tokenizers import decoders as tokenizer_decoders
from transformers import PreTrainedTokenizerFast, StableLmConfig, StableLmForCausalLM

import tutor.llm  # noqa: F401  (offline environment first)
from tutor.llm.embedded import PREFERENCE, embedded_model_path
from tutor.llm.engine import Engine
from tutor.llm.loading import ModelSpec, load_model
from tutor.llm.requests import Finished, GenerationRequest, TokenDelta

STABLE_CODE_VOCAB = 50304


def stable_code_3b_config() -> StableLmConfig:
    """stabilityai/stable-code-3b's config.json, as DESIGN.md section 3 lists it."""
    return StableLmConfig(
        vocab_size=STABLE_CODE_VOCAB,
        hidden_size=2560,
        intermediate_size=6912,
        num_hidden_layers=32,
        num_attention_heads=32,
        num_key_value_heads=32,
        max_position_embeddings=16384,
        layer_norm_eps=1e-5,
        tie_word_embeddings=False,
        use_qkv_bias=False,
        rope_parameters={"rope_type": "default", "rope_theta": 1e6, "partial_rotary_factor": 0.25},
    )


def build_random_stable_code(folder: Path) -> None:
    """Random weights in Stable Code 3B's shape, plus a word-level tokenizer covering its vocab."""
    if (folder / "config.json").exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    torch.set_default_dtype(torch.bfloat16)
    model = StableLmForCausalLM(stable_code_3b_config())
    model.save_pretrained(folder)
    vocab = {"<|endoftext|>": 0, **{f"t{i}": i for i in range(1, STABLE_CODE_VOCAB)}}
    backend = Tokenizer(models.WordLevel(vocab, unk_token="<|endoftext|>"))
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    backend.decoder = tokenizer_decoders.WordPiece(prefix="##")  # joins words with spaces
    PreTrainedTokenizerFast(
        tokenizer_object=backend, eos_token="<|endoftext|>", bos_token="<|endoftext|>"
    ).save_pretrained(folder)
    print(
        f"built {model.num_parameters() / 1e9:.2f}B random parameters in {folder} "
        f"in {time.monotonic() - started:.0f} s",
        flush=True,
    )


def prompt_ids(length: int, seed: int, vocab: int) -> list[int]:
    generator = torch.Generator().manual_seed(seed)
    return [int(token) for token in torch.randint(1, vocab, (length,), generator=generator)]


def measure_one_mode(args: argparse.Namespace) -> dict[str, float | str]:
    path = (
        embedded_model_path(args.work_dir, args.embedded_model)
        if args.embedded
        else args.work_dir / "model"
    )
    loaded = load_model(
        ModelSpec(
            path,
            device="cpu",
            precision=args.one_mode,
            backend=args.backend,
            parallel_requests=max(args.concurrency, 1),
        )
    )
    result: dict[str, float | str] = {
        "mode": loaded.info.precision.replace(" ", ""),  # "Q4_K-Medium": one word per value
        "backend": loaded.info.backend,
        "load_s": loaded.info.load_seconds,
        "rss_after_load_gib": psutil.Process().memory_info().rss / 2**30,
    }
    vocab = len(loaded.tokenizer)
    # End-of-text ignored, so that every request decodes all of its new tokens.
    loaded = dataclasses.replace(loaded, stop_token_ids=frozenset())
    with Engine(loaded, max_batch_size=max(args.concurrency, 1)) as engine:
        first = engine.submit(
            GenerationRequest(
                prompt_ids(args.prompt_tokens, 0, vocab), max_new_tokens=1, deadline_seconds=3600
            )
        ).result()
        result["first_token_s"] = first.first_token_seconds or 0.0

        single = engine.submit(
            GenerationRequest(
                prompt_ids(args.batch_prompt_tokens, 1, vocab),
                max_new_tokens=args.new_tokens,
                deadline_seconds=3600,
            )
        ).result()
        decode_seconds = single.total_seconds - (single.first_token_seconds or 0.0)
        result["decode_1_tok_s"] = (single.completion_tokens - 1) / decode_seconds

        result[f"decode_{args.concurrency}_tok_s"] = steady_batch_rate(
            engine, args.concurrency, args.batch_prompt_tokens, args.new_tokens, vocab
        )
    result["peak_rss_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    result["model"] = args.embedded_model if args.embedded else "stable-code-3b-random"
    return result


def steady_batch_rate(
    engine: Engine, concurrency: int, prompt_tokens: int, new_tokens: int, vocab: int
) -> float:
    """Tokens per second over the stretch where every request is decoding: from the last first
    token to the first finish, so prefill and the ragged end are left out."""
    arrivals: list[list[float]] = [[] for _ in range(concurrency)]
    ends: list[float] = [0.0] * concurrency

    def client(index: int) -> None:
        request = GenerationRequest(
            prompt_ids(prompt_tokens, 10 + index, vocab),
            max_new_tokens=new_tokens,
            deadline_seconds=3600,
        )
        for event in engine.submit(request).events():
            if isinstance(event, TokenDelta):
                arrivals[index].append(time.monotonic())
            elif isinstance(event, Finished):
                ends[index] = time.monotonic()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    all_running = max(times[0] for times in arrivals)
    first_done = min(ends)
    tokens = sum(1 for times in arrivals for t in times if all_running < t <= first_done)
    return tokens / (first_done - all_running) if first_done > all_running else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--modes", nargs="+", default=["bf16", "int8", "nf4"])
    parser.add_argument("--quick", action="store_true", help="short prompts and replies")
    parser.add_argument("--embedded", action="store_true", help="the embedded model instead")
    parser.add_argument("--embedded-model", choices=PREFERENCE, default=PREFERENCE[0])
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/labtutor-bench"))
    parser.add_argument("--prompt-tokens", type=int, default=500)
    parser.add_argument("--batch-prompt-tokens", type=int, default=64)
    parser.add_argument("--new-tokens", type=int, default=24)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--backend", choices=["transformers", "llamacpp"], default="transformers")
    parser.add_argument("--one-mode", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        # Enough new tokens that the first request is still decoding when the last one joins.
        args.prompt_tokens, args.batch_prompt_tokens, args.new_tokens = 100, 16, 24

    if args.one_mode:
        print(json.dumps(measure_one_mode(args)), flush=True)
        return
    if args.backend == "llamacpp":
        args.modes = ["auto"]  # llama.cpp runs the file's own quantization
    if not args.embedded:
        build_random_stable_code(args.work_dir / "model")
    print(
        f"{args.backend}: prompt {args.prompt_tokens} tokens for the first-token time; "
        f"{args.concurrency} requests of {args.batch_prompt_tokens} prompt tokens, "
        f"{args.new_tokens} new tokens",
        flush=True,
    )
    for mode in args.modes:
        command = [sys.executable, __file__, *sys.argv[1:], "--one-mode", mode]
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
        if run.returncode or not lines:
            print(f"{mode}: failed (exit {run.returncode}): {run.stderr.strip()[-2000:]}")
            continue
        row = json.loads(lines[-1])
        print(
            "  ".join(
                f"{key} {value:.2f}" if isinstance(value, float) else f"{key} {value}"
                for key, value in row.items()
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
