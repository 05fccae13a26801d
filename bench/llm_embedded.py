"""Compare the embedded model candidates on tutoring prompts: answers, speed, memory.

    .venv/bin/python bench/llm_embedded.py                     # both candidates, fp32 and bf16
    .venv/bin/python bench/llm_embedded.py --models smollm2-135m-instruct --precisions fp32

Prints each candidate's greedy answers to a hint, an error explanation, a review and a
fill-in-the-middle completion, then its speed: prefill tok/s, decode tok/s for one request and
for eight at once through the Engine.
"""

import argparse
import gc
import time
from pathlib import Path
from typing import cast

from llm_common import TUTORING_CASES, peak_rss_gib, run_arrivals, summarize, tutoring_requests

from tutor.llm.embedded import PREFERENCE, EmbeddedModelName, embedded_model_path
from tutor.llm.engine import Engine
from tutor.llm.loading import ModelSpec, load_model
from tutor.llm.precision import Precision
from tutor.llm.prompts import build_prompt


def evaluate(name: EmbeddedModelName, precision: Precision, show_answers: bool) -> None:
    path = embedded_model_path(Path.home() / ".cache" / "labtutor", name)
    loaded = load_model(ModelSpec(path, device="cpu", precision=precision))
    info = loaded.info
    print(
        f"\n=== {name} as {precision}: {info.architecture}, "
        f"{info.parameter_count / 1e6:.0f}M parameters, {info.memory_bytes / 2**20:.0f} MiB, "
        f"loaded in {info.load_seconds:.1f} s, chat template {info.has_chat_template}, "
        f"FIM tokens {info.fim_tokens is not None}"
    )
    with Engine(loaded, max_batch_size=8) as engine:
        if show_answers:
            for label, task, context in TUTORING_CASES:
                prompt = build_prompt(loaded, task, context, max_new_tokens=120)
                finished = engine.submit(prompt.request(deadline_seconds=600)).result()
                speed = finished.completion_tokens / max(
                    finished.total_seconds - (finished.first_token_seconds or 0), 1e-9
                )
                print(
                    f"\n--- {label}: {len(prompt.token_ids)} prompt tokens, first token "
                    f"{finished.first_token_seconds or 0:.1f} s, {finished.completion_tokens} "
                    f"tokens at {speed:.1f} tok/s ({finished.reason})"
                )
                print(finished.text.strip() or "(empty)")
        requests = tutoring_requests(loaded, 48)
        started = time.monotonic()
        single = engine.submit(requests[0]).result()
        print(
            f"\nspeed, one request: prompt {single.prompt_tokens} tokens in "
            f"{single.first_token_seconds or 0:.1f} s; {single.completion_tokens} tokens in "
            f"{time.monotonic() - started:.1f} s"
        )
        eight = [requests[i % len(requests)] for i in range(8)]
        print(f"speed, 8 at once: {summarize(run_arrivals(engine, eight, 0.0))}")
    print(f"peak RSS so far {peak_rss_gib():.2f} GiB")
    del loaded, engine
    gc.collect()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=list(PREFERENCE))
    parser.add_argument("--precisions", nargs="+", default=["fp32", "bf16"])
    args = parser.parse_args()
    for name in args.models:
        for index, precision in enumerate(args.precisions):
            evaluate(
                cast(EmbeddedModelName, name), cast(Precision, precision), show_answers=index == 0
            )


if __name__ == "__main__":
    main()
