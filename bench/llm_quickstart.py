"""The quick start's AI figures, against the goals of a class: first text, whole hint, completion.

    .venv/bin/python bench/llm_quickstart.py --backend transformers   # the quick start's worker
    .venv/bin/python bench/llm_quickstart.py --backend transformers --precision fp32 bf16
    .venv/bin/python bench/llm_quickstart.py --threads 1 2 --burst 10

Loads the embedded demo model the way the quick start's llm worker does (settings, environment
and tutor.assist.engine's choices, unless the flags override them), builds the prompts the worker
builds (hint, explain error, completion) with its prompt cap and answer cap, and prints for each
configuration: prompt tokens, time to first text and to the whole reply for one request at a time
(median of --repeat), then `--burst` hints submitted at once (p50/p95 of the wait for the first
text and for the whole reply, answered count). Goals on the 2-core lab CPU: first text <= 2 s, a
whole hint <= 12 s, a completion <= 1.5 s; in a burst of 10 every hint answered.
Print `uptime` with the figures: the machine may be shared.
"""

import argparse
import dataclasses
import gc
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any, cast

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutor.settings")
django.setup()

import torch  # noqa: E402
from django.conf import settings  # noqa: E402
from llm_common import FIM, LEAP, TWO_FER, RunResult, run_arrivals  # noqa: E402

from tutor.assist.engine import (  # noqa: E402
    answer_limits,
    configured_llamacpp_options,
    configured_model_path,
    configured_threads,
)
from tutor.llm.engine import Engine  # noqa: E402
from tutor.llm.llamacpp import available as llamacpp_available  # noqa: E402
from tutor.llm.loading import LoadedModel, ModelSpec, load_model  # noqa: E402
from tutor.llm.prompts import PromptContext, Task, build_prompt  # noqa: E402
from tutor.llm.requests import GenerationRequest  # noqa: E402

CASES: list[tuple[str, Task, PromptContext]] = [
    ("hint 1 two_fer", Task.HINT, TWO_FER),
    ("hint 2 leap", Task.HINT, dataclasses.replace(LEAP, hint_level=2)),
    ("explain leap", Task.EXPLAIN_ERROR, LEAP),
    ("completion", Task.COMPLETE, FIM),
]


def request_for(loaded: LoadedModel, task: Task, context: PromptContext) -> GenerationRequest:
    """As the llm worker builds it (tutor/assist/services/generation.py)."""
    limits = answer_limits(completion=task is Task.COMPLETE)
    prompt = build_prompt(
        loaded,
        task,
        context,
        max_new_tokens=limits.max_new_tokens,
        max_prompt_tokens=limits.max_prompt_tokens,
        style=limits.style,
    )
    return prompt.request(deadline_seconds=float(settings.LLM_REQUEST_SECONDS))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def one_at_a_time(engine: Engine, loaded: LoadedModel, repeat: int, show: bool) -> None:
    for label, task, context in CASES:
        request = request_for(loaded, task, context)
        runs = [run_arrivals(engine, [request], 0.0)[0] for _ in range(repeat)]
        first = statistics.median(r.finished.first_token_seconds or 0.0 for r in runs)
        whole = statistics.median(r.finished.total_seconds for r in runs)
        last = runs[-1].finished
        print(
            f"  {label:<15} prompt {len(request.prompt):>4} tok  first text {first:5.2f} s  "
            f"whole {whole:5.2f} s  {last.completion_tokens:>3} tok ({last.reason})"
        )
        if show:
            print("    | " + last.text.strip().replace("\n", "\n    | ")[:900])


def burst(engine: Engine, loaded: LoadedModel, students: int) -> None:
    hints = [request_for(loaded, task, ctx) for _, task, ctx in CASES if task is Task.HINT]
    results: list[RunResult] = run_arrivals(
        engine, [hints[i % len(hints)] for i in range(students)], 0.0
    )
    answered = [r for r in results if r.finished.reason in ("stop", "length")]
    firsts = [r.finished.first_token_seconds or float("inf") for r in results]
    wholes = [r.finished.total_seconds for r in results]
    print(
        f"  burst of {students} hints: answered {len(answered)}/{students}; first text p50 "
        f"{percentile(firsts, 0.5):.1f} s p95 {percentile(firsts, 0.95):.1f} s; whole p50 "
        f"{percentile(wholes, 0.5):.1f} s p95 {percentile(wholes, 0.95):.1f} s; "
        f"{sum(r.finished.completion_tokens for r in results)} tokens"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", nargs="+", default=[settings.LLM_BACKEND])
    parser.add_argument("--precision", nargs="+", default=[settings.LLM_PRECISION])
    parser.add_argument(
        "--threads", nargs="+", type=int, default=[0], help="0: the llm worker's default"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--burst", type=int, default=10)
    parser.add_argument("--show", action="store_true", help="print the replies")
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()}; {os.cpu_count()} CPUs")
    default_threads = configured_threads()
    if "auto" in args.backend and llamacpp_available():
        print(
            "note: llama-cpp-python is installed here, so auto means llama.cpp; the quick start "
            "(scripts/run.sh) installs no llama-cpp-python: --backend transformers measures it"
        )
    for backend in args.backend:
        for precision in args.precision:
            for threads in args.threads:
                torch.set_num_threads(threads or default_threads)
                spec = ModelSpec(
                    path=configured_model_path(),
                    device=cast(Any, settings.LLM_DEVICE),
                    precision=cast(Any, precision),
                    backend=cast(Any, backend),
                    llamacpp=dataclasses.replace(
                        configured_llamacpp_options(), threads=threads or None
                    ),
                    parallel_requests=settings.LLM_PARALLEL_REQUESTS,
                )
                loaded = load_model(spec)
                info = loaded.info
                print(
                    f"\n== asked {backend}/{precision}, threads {threads or default_threads}: "
                    f"{info.backend} {info.precision} ({info.precision_reason}; "
                    f"{info.backend_reason}), loaded in {info.load_seconds:.1f} s"
                )
                with Engine(loaded, max_batch_size=settings.LLM_PARALLEL_REQUESTS) as engine:
                    started = time.monotonic()
                    one_at_a_time(engine, loaded, args.repeat, args.show)
                    if args.burst:
                        burst(engine, loaded, args.burst)
                    print(f"  ({time.monotonic() - started:.0f} s; load now {os.getloadavg()})")
                del loaded
                gc.collect()


if __name__ == "__main__":
    main()
