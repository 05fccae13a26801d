"""A class asking for hints at once: time to first text and whole answer, with and without
prefix reuse. Not a test; prints a table.

N students (--students, default 8 16 32) each submit one hint prompt at the same moment, built
by tutor/llm/prompts.py as the llm worker builds it: the system prompt, the exercise and the
hints its author wrote (up to the student's level), the student's own code and failing test, the
task. "same": everyone on one exercise (the prompts share the system prompt, the exercise and
its first hint); "different": each on an exercise of its own (only the system prompt is
shared). Each case runs with the engine's prefix holders (--holders, default 2) and without
(0), --repeat times, alternating, so that a change in the machine's load hits both alike; each
pair prints the ratio of their time-to-first-text p95. Per row: time to first text p50/p95 and
whole-answer time p50/p95 over the N requests (seconds, from the moment all were submitted),
the mean prompt length, and the share of prompt tokens the engine did not have to prefill.

    .venv/bin/python bench/llm_class.py                          # the embedded demo model
    .venv/bin/python bench/llm_class.py --model path/to/model.gguf --students 16
    .venv/bin/python bench/llm_class.py --stable-code-3b q4_k_m  # see below
    .venv/bin/python bench/llm_class.py --remote http://gpu-box:8000/v1 --remote-model NAME
    .venv/bin/python bench/llm_class.py --serve-demo             # the remote backend, locally

--stable-code-3b q4_k_m | bf16 | fp32: Stable Code 3B's architecture with random weights and a
byte-level BPE tokenizer of its vocabulary size trained on the Python standard library, built
once into --work-dir (nothing is downloaded; delete the folder afterwards: 1.7 GB for
q4_k_m, 5.6 GB for the others). q4_k_m: written as an f16 .gguf (tutor/llm/gguf_export.py) and
quantized to Q4_K_M by llama.cpp's own quantizer, run on llama.cpp; bf16 and fp32: a
transformers folder, run on transformers at that precision.

--remote sends the same prompts, as chat messages, to an OpenAI-compatible server
(tutor/llm/remote.py); prefix reuse is then the server's business (vLLM's
--enable-prefix-caching, llama-server's prompt cache), so only one row per case is printed.
--serve-demo starts the server the tests use (llama-cpp-python's, tests/model_server_main.py)
on the demo model and runs those rows against it.
"""

import argparse
import signal
import socket
import statistics
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


import tutor.llm  # noqa: F401  (offline environment first)
from tests.model_server import wait_until_serving
from tutor.llm.embedded import embedded_model_path
from tutor.llm.engine import Engine
from tutor.llm.loading import LoadedModel, ModelSpec, load_model
from tutor.llm.precision import default_threads
from tutor.llm.prompts import PromptContext, Task
from tutor.llm.remote import (
    RemoteEngine,
    RemoteModel,
    ServerConfig,
    probe_server,
    remote_model_info,
)
from tutor.llm.remote_prompts import build_any_prompt
from tutor.llm.requests import Finished

STATEMENT = (
    "Write a function `{name}(values)` that takes a list of integers and returns a new list in "
    "which every element is replaced by the running total of the elements up to and including "
    "it. For example, `{name}([1, 2, 3, 4])` returns `[1, 3, 6, 10]`, `{name}([])` returns "
    "`[]` and `{name}([5])` returns `[5]`. Do not change the list you are given: build a new "
    "one. Negative numbers and zeros are allowed, and the list may be long (up to 100 000 "
    "elements), so the function must visit each element once rather than summing a slice for "
    "every position. You may not use itertools.accumulate. Name your variables clearly, and "
    "write a docstring that says what the function returns. The visible tests check the "
    "examples above; the hidden tests check long lists, negative numbers and that the input "
    "list is unchanged."
)
HINTS = (
    "Keep one variable with the total so far, and add each element to it as you go.",
    "sum(values[:i]) adds up the elements before position i, not up to and including it.",
    "Append the running total after adding the current element, not before.",
)
CODE = (
    "def {name}(values):\n"
    '    """Running totals."""\n'
    "    result = []\n"
    "    for i in range(len(values)):\n"
    "        result.append(sum(values[:i]){bug})\n"
    "    return result\n"
)
TEST_OUTPUT = (
    "FAILED test_{name}_examples: assert {name}([1, 2, 3, 4]) == [1, 3, 6, 10]\n"
    "AssertionError: got [0, 1, 3, 6]"
)
BUGS = ("", " + 0", " * 1", " - 0", " + values[0] * 0", " // 1", " + 0 * i", " or 0")

STABLE_CODE_VOCAB = 50304
# Stable Code's special tokens: end of text and fill-in-the-middle.
STABLE_CODE_SPECIALS = ["<|endoftext|>", "<fim_prefix>", "<fim_middle>", "<fim_suffix>"]
HEADER = (
    f"{'case':<32} {'first p50':>9} {'p95':>7} {'whole p50':>9} {'p95':>7} "
    f"{'prompt':>7} {'reused':>7}"
)


def contexts(students: int, same_exercise: bool) -> list[PromptContext]:
    result = []
    for student in range(students):
        exercise = 0 if same_exercise else student
        name = f"running_totals_{exercise}"
        level = 1 + student % 3
        result.append(
            PromptContext(
                exercise_title=f"Exercise {exercise}: running totals",
                exercise_statement=STATEMENT.format(name=name),
                student_code=CODE.format(name=name, bug=BUGS[student % len(BUGS)])
                + f"# student {student}\n",
                student_filename="solution.py",
                test_output=TEST_OUTPUT.format(name=name),
                authored_hints=HINTS[:level],
                hint_level=level,
            )
        )
    return result


def run_case(
    engine: Engine | RemoteEngine,
    model: LoadedModel | RemoteModel,
    students: int,
    same: bool,
    max_new_tokens: int,
) -> list[Finished]:
    prompts = [
        build_any_prompt(model, Task.HINT, context, max_new_tokens=max_new_tokens)
        for context in contexts(students, same)
    ]
    handles = [engine.submit(p.request(deadline_seconds=3600)) for p in prompts]
    results: list[Finished | None] = [None] * len(handles)

    def wait(index: int) -> None:
        results[index] = handles[index].result()

    threads = [threading.Thread(target=wait, args=(i,)) for i in range(len(handles))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [result for result in results if result is not None]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def first_text_p95(finished: list[Finished]) -> float:
    return percentile([f.first_token_seconds or f.total_seconds for f in finished], 95)


def row(label: str, finished: list[Finished]) -> str:
    first = [f.first_token_seconds or f.total_seconds for f in finished]
    whole = [f.total_seconds for f in finished]
    prompt = statistics.mean(f.prompt_tokens for f in finished)
    reused = sum(f.reused_prompt_tokens for f in finished)
    total = sum(f.prompt_tokens for f in finished) or 1
    errors = sum(1 for f in finished if f.reason not in ("stop", "length"))
    return (
        f"{label:<32} {percentile(first, 50):9.2f} {percentile(first, 95):7.2f} "
        f"{percentile(whole, 50):9.2f} {percentile(whole, 95):7.2f} {prompt:7.0f} "
        f"{100 * reused / total:6.0f}%" + (f"  ({errors} failed)" if errors else "")
    )


# --- Stable Code 3B's architecture with random weights -----------------------------------------


def stable_code_tokenizer() -> Any:
    """A byte-level BPE with Stable Code's vocabulary size and special tokens, trained on the
    Python standard library's sources (about 12 MB, seconds)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    texts, size = [], 0
    for path in sorted(Path(sysconfig.get_paths()["stdlib"]).rglob("*.py")):
        if "test" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        texts.append(text)
        size += len(text)
        if size > 12_000_000:
            break
    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=STABLE_CODE_VOCAB,
        special_tokens=STABLE_CODE_SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    backend.train_from_iterator(texts, trainer)
    if backend.get_vocab_size() != STABLE_CODE_VOCAB:
        raise RuntimeError(f"the tokenizer has {backend.get_vocab_size()} tokens")
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token="<|endoftext|>",
        eos_token="<|endoftext|>",
        unk_token="<|endoftext|>",
        additional_special_tokens=STABLE_CODE_SPECIALS[1:],
    )


def build_stable_code(work_dir: Path, kind: str) -> Path:
    """The random Stable Code 3B for `kind` (q4_k_m: a .gguf; bf16/fp32: a folder), built once."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from llm_engine import stable_code_3b_config

    config = stable_code_3b_config()
    work_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    if kind == "q4_k_m":
        from tutor.llm.gguf_export import quantize, random_tensors, write_stablelm_gguf

        target = work_dir / "stable-code-3b-random-Q4_K_M.gguf"
        if target.exists():
            return target
        f16 = work_dir / "stable-code-3b-random-F16.gguf"
        tokenizer = stable_code_tokenizer()
        write_stablelm_gguf(
            f16, config, tokenizer, random_tensors(config), name="stable-code-3b-random"
        )
        written = time.monotonic()
        quantize(f16, target, "Q4_K_M", threads=default_threads())
        f16.unlink()
        print(
            f"built {target.name} ({target.stat().st_size / 2**30:.2f} GiB): f16 written in "
            f"{written - started:.0f} s, quantized in {time.monotonic() - written:.0f} s",
            flush=True,
        )
        return target
    import torch
    from transformers import StableLmForCausalLM

    folder = work_dir / "stable-code-3b-random-hf"
    if (folder / "config.json").exists():
        return folder
    torch.set_default_dtype(torch.bfloat16)
    model = StableLmForCausalLM(config)
    torch.set_default_dtype(torch.float32)
    model.save_pretrained(folder)
    stable_code_tokenizer().save_pretrained(folder)
    print(f"built {folder} in {time.monotonic() - started:.0f} s", flush=True)
    return folder


# --- running ---------------------------------------------------------------------------------


@contextmanager
def demo_server(threads: int) -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server on the demo model, as the tests start it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    model = embedded_model_path(Path("var/models"))
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "tests.model_server_main", "--model", str(model)),
            *("--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"),
            # Its default ends a running stream when another request comes; a class's requests
            # queue on the server instead, as on llama-server or vLLM.
            *("--interrupt_requests", "False"),
            *("--n_threads", str(threads), "--n_threads_batch", str(threads)),
        ],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_serving(url, process, 120)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def run_remote(args: argparse.Namespace, url: str, cases: list[str]) -> None:
    config = ServerConfig(url, model=args.remote_model, parallel=args.parallel)
    probe = probe_server(config)
    model = RemoteModel(config=config, info=remote_model_info(config, probe))
    print(
        f"remote {config.base_url} ({', '.join(probe.models)}), {args.parallel} requests in "
        f"flight, {args.max_new_tokens} new tokens per answer; times in seconds",
        flush=True,
    )
    print(HEADER)
    with RemoteEngine(config) as remote:
        for students in args.students:
            for case in cases:
                finished = run_case(remote, model, students, case == "same", args.max_new_tokens)
                print(row(f"{students} students, {case}", finished), flush=True)


def run_local(args: argparse.Namespace, path: Path, precision: str, cases: list[str]) -> None:
    spec = ModelSpec(
        path,
        device="cpu",
        precision=precision,  # type: ignore[arg-type]
        parallel_requests=args.parallel,
        prefix_holders=args.holders,
    )
    loaded = load_model(spec)
    # llama.cpp: a KV stream of this many tokens per request and per holder, allocated up front
    # and copied whole when a prefix is reused; transformers: the loaded model's total budget.
    kv_tokens = args.kv_tokens if loaded.info.backend == "llamacpp" and args.kv_tokens else None
    print(
        f"{path.name} on {loaded.info.backend} ({loaded.info.precision}), batch {args.parallel}, "
        f"{args.max_new_tokens} new tokens per answer, KV budget "
        f"{kv_tokens or loaded.info.kv_budget_tokens}; loaded in "
        f"{loaded.info.load_seconds:.0f} s; times in seconds",
        flush=True,
    )
    print(HEADER)
    for students in args.students:
        for case in cases:
            for repeat in range(args.repeat):
                p95 = {}
                # Alternate which goes first, so neither always meets a warmer or quieter machine.
                order = (0, args.holders) if repeat % 2 == 0 else (args.holders, 0)
                for holders in order if args.holders else (0,):
                    with Engine(
                        loaded,
                        max_batch_size=args.parallel,
                        prefix_holders=holders,
                        kv_budget_tokens=kv_tokens,
                    ) as engine:
                        finished = run_case(
                            engine, loaded, students, case == "same", args.max_new_tokens
                        )
                    label = f"{students} students, {case}, {'reuse' if holders else 'no reuse'}"
                    print(row(label, finished), flush=True)
                    p95[holders] = first_text_p95(finished)
                if args.holders:
                    print(
                        f"{'':<32} first-text p95 without / with reuse: "
                        f"{p95[0] / p95[args.holders]:.2f}x",
                        flush=True,
                    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, help="default: the embedded demo model")
    parser.add_argument("--stable-code-3b", choices=["q4_k_m", "bf16", "fp32"])
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/labtutor-bench"))
    parser.add_argument("--students", type=int, nargs="+", default=[8, 16, 32])
    parser.add_argument("--parallel", type=int, default=8, help="the engine's batch size")
    parser.add_argument("--holders", type=int, default=2, help="0: only the rows without reuse")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each case, alternating")
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument(
        "--kv-tokens",
        type=int,
        default=0,
        help="llama.cpp: each KV stream's tokens (default: the loaded model's budget)",
    )
    parser.add_argument("--remote", default="", help="an OpenAI-compatible server's URL")
    parser.add_argument("--remote-model", default="")
    parser.add_argument("--serve-demo", action="store_true", help="remote, on a local server")
    parser.add_argument("--only", choices=["same", "different"], help="one case only")
    args = parser.parse_args()
    # `timeout` sends SIGTERM: end through the finally blocks (the demo server stops too).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    cases = [args.only] if args.only else ["same", "different"]
    if args.serve_demo:
        with demo_server(default_threads()) as url:
            run_remote(args, url, cases)
        return 0
    if args.remote:
        run_remote(args, args.remote, cases)
        return 0
    precision = "auto"
    if args.stable_code_3b:
        path = build_stable_code(args.work_dir, args.stable_code_3b)
        if args.stable_code_3b != "q4_k_m":
            precision = args.stable_code_3b
    else:
        path = args.model or embedded_model_path(Path("var/models"))
    run_local(args, path, precision, cases)
    return 0


if __name__ == "__main__":
    sys.exit(main())
