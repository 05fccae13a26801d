"""Which way of serving concurrent requests is fastest on this machine? (a benchmark, not a test)

Runs the same tutoring requests through the Engine three ways: one at a time, static batches
(a new request waits for the running batch to drain) and dynamic batching (it joins the running
batch once prefilled), for a burst (all at once) and for staggered arrivals. Also times
transformers' own generate() on the same prompts, one by one and as one left-padded batch, as
a yardstick for the engine's decode loop.

    .venv/bin/python bench/llm_batching.py                       # the embedded model
    .venv/bin/python bench/llm_batching.py --model /models/stable-code-instruct-3b --requests 4
"""

import argparse
import time
from pathlib import Path
from typing import Any, cast

import torch
from llm_common import peak_rss_gib, run_arrivals, summarize, tutoring_requests

from tutor.llm.embedded import embedded_model_path
from tutor.llm.engine import Engine
from tutor.llm.loading import LoadedModel, ModelSpec, load_model
from tutor.llm.requests import GenerationRequest

MODES = {
    "one at a time": {"max_batch_size": 1},
    "static batches": {"max_batch_size": 8, "join_running_batch": False},
    "dynamic batching": {"max_batch_size": 8, "join_running_batch": True},
}


def transformers_generate(loaded: LoadedModel, requests: list[GenerationRequest]) -> None:
    model = cast(Any, loaded.model)
    tokenizer = loaded.tokenizer
    prompts = [list(cast(tuple[int, ...], request.prompt)) for request in requests]
    max_new = requests[0].max_new_tokens
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    with torch.inference_mode():
        started = time.monotonic()
        tokens = 0
        for prompt in prompts:
            output = model.generate(
                torch.tensor([prompt]), max_new_tokens=max_new, do_sample=False, pad_token_id=pad
            )
            tokens += output.shape[1] - len(prompt)
        sequential = time.monotonic() - started
        print(f"  generate() one at a time: {tokens} tokens, {tokens / sequential:.1f} tok/s")
        width = max(len(prompt) for prompt in prompts)
        input_ids = torch.tensor([[pad] * (width - len(p)) + p for p in prompts])
        attention_mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts])
        started = time.monotonic()
        output = model.generate(
            input_ids=input_ids,
            attention_mask=attention_mask,
            max_new_tokens=max_new,
            do_sample=False,
            pad_token_id=pad,
        )
        batched = time.monotonic() - started
        new_tokens = int((output[:, width:] != pad).sum())
        print(f"  generate() padded batch:  {new_tokens} tokens, {new_tokens / batched:.1f} tok/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, help="model folder or .gguf (default: embedded)")
    parser.add_argument("--precision", default="auto")
    parser.add_argument("--requests", type=int, default=8)
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--gaps", type=float, nargs="+", default=[0.0, 2.0])
    parser.add_argument("--skip-generate", action="store_true")
    args = parser.parse_args()

    path = args.model or embedded_model_path(Path.home() / ".cache" / "labtutor")
    loaded = load_model(ModelSpec(path, device="cpu", precision=args.precision))
    info = loaded.info
    print(
        f"{info.architecture} {info.parameter_count / 1e6:.0f}M as {info.precision}, "
        f"loaded in {info.load_seconds:.1f} s; torch threads {torch.get_num_threads()}"
    )
    requests = tutoring_requests(loaded, args.max_new_tokens)
    requests = [requests[i % len(requests)] for i in range(args.requests)]
    print(
        f"{len(requests)} requests, prompts of {[len(r.prompt) for r in requests]} tokens, "
        f"up to {args.max_new_tokens} new tokens each"
    )

    if not args.skip_generate:
        transformers_generate(loaded, requests)
    for gap in args.gaps:
        print(f"arrivals every {gap:.1f} s:")
        for label, options in MODES.items():
            with Engine(loaded, **options) as engine:  # type: ignore[arg-type]
                results = run_arrivals(engine, requests, gap)
            print(f"  {label:17} {summarize(results)}")
    print(f"peak RSS {peak_rss_gib():.2f} GiB")


if __name__ == "__main__":
    main()
