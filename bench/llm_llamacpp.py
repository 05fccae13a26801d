"""llama.cpp on a GGUF file, the yardstick a lab would use instead (a benchmark, not a test).

Needs the benchmark-only extra llama-cpp-python (it compiles llama.cpp from source, about
11 minutes on 2 cores; LabTutor itself never imports it):

    .venv/bin/pip install llama-cpp-python
    .venv/bin/python bench/llm_llamacpp.py                           # both embedded GGUF files
    .venv/bin/python bench/llm_llamacpp.py --gguf /models/x.gguf --threads 2

For each file, in a fresh process so that peak memory is its own: load time, time to first
token for a --prompt-tokens prompt, decode tok/s of one stream (greedy, end-of-text ignored so
every run decodes --new-tokens tokens), peak RSS. Prints one JSON line per file as well, for
bench/llm_report.py.
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tutor.llm  # noqa: F401  (offline environment first)
from tutor.llm.embedded import embedded_model_path


def prompt_ids(length: int, vocab: int) -> list[int]:
    # A fixed spread of ordinary ids (skipping the first 100, where special tokens live).
    return [100 + (index * 7919) % (vocab - 100) for index in range(length)]


def measure(gguf: Path, threads: int, prompt_tokens: int, new_tokens: int) -> dict[str, object]:
    import llama_cpp.llama_cpp
    from llama_cpp import Llama

    from tutor.llm.llamacpp import model_params

    # Llama() takes its model parameters from this function: ours leave out llama.cpp's AMX
    # kernels on the CPUs where they crash (see model_params), as the engine does.
    llama_cpp.llama_cpp.llama_model_default_params = model_params
    started = time.monotonic()
    model = Llama(
        model_path=str(gguf),
        n_ctx=max(2048, prompt_tokens + new_tokens + 8),
        n_threads=threads,
        n_batch=512,
        verbose=False,
    )
    load_s = time.monotonic() - started
    prompt = prompt_ids(prompt_tokens, model.n_vocab())

    started = time.monotonic()
    model.reset()
    model.eval(prompt)
    token = model.sample(temp=0.0)
    first_token_s = time.monotonic() - started

    started = time.monotonic()
    for _ in range(new_tokens - 1):
        model.eval([token])
        token = model.sample(temp=0.0)
    decode_s = time.monotonic() - started
    return {
        "engine": "llama.cpp",
        "file": gguf.name,
        "threads": threads,
        "load_s": load_s,
        "first_token_s": first_token_s,
        "decode_1_tok_s": (new_tokens - 1) / decode_s,
        "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    }


def default_files(cache_dir: Path) -> list[Path]:
    files = []
    for name in ("smollm2-135m-instruct", "gemma3-270m"):
        try:
            files.append(embedded_model_path(cache_dir, name))
        except Exception as error:  # a candidate that is not installed is skipped, not fatal
            print(f"skipping {name}: {error}", file=sys.stderr)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gguf", type=Path, action="append", help="a .gguf file (repeatable)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--prompt-tokens", type=int, default=500)
    parser.add_argument("--new-tokens", type=int, default=128)
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/labtutor-bench"))
    parser.add_argument("--one-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one_file:
        row = measure(args.one_file, args.threads, args.prompt_tokens, args.new_tokens)
        print(json.dumps(row), flush=True)
        return
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        sys.exit("llama-cpp-python is not installed: .venv/bin/pip install llama-cpp-python")
    for gguf in args.gguf or default_files(args.cache_dir):
        command = [sys.executable, __file__, *sys.argv[1:], "--one-file", str(gguf)]
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
        if run.returncode or not lines:
            print(f"{gguf.name}: failed (exit {run.returncode}): {run.stderr.strip()[-2000:]}")
            continue
        print(lines[-1], flush=True)


if __name__ == "__main__":
    main()
