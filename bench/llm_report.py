"""The model engine's whole report in one run: issue #3's figures side by side, and its goals.

    .venv/bin/python bench/llm_report.py            # everything; long on 2 cores (see below)
    .venv/bin/python bench/llm_report.py --quick    # short prompts, embedded model only

Runs, one after the other on this machine (each part in its own process, so that peak memory
is its own):
1. bench/llm_engine.py: Stable Code 3B's architecture at full size with random weights, per
   mode (bf16, int8, nf4): load time, time to first token for a 500-token prompt, decode tok/s
   with 1 and with 8 concurrent requests, peak memory;
2. the same for the embedded default model: on transformers (fp32 and bf16), then on our
   llama.cpp backend (the file's own Q4_1, through the same Engine; needs llama-cpp-python,
   the `bench` extra), and the other embedded candidate, Gemma 3 270M, on llama.cpp too;
3. bench/llm_llamacpp.py: llama.cpp alone on the embedded model's GGUF file, the yardstick
   (skipped with a note when llama-cpp-python is missing);
4. bench/llm_pipeline.py: Celery + Redis + Channels + a WebSocket client vs the engine alone;
then prints a summary and each goal of the issue with the figures that decide it; the goals
about our engine take its best backend and say which.
"""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ENGINE_ROW = re.compile(r"^mode \S+ ")
PAIR = re.compile(r"(\w+) (-?[\d.]+|nan|\S+)")


def run(script: str, *args: str) -> list[str]:
    """Runs a bench script, echoing its output as it comes; returns its stdout lines."""
    command = [sys.executable, str(BENCH / script), *args]
    print(f"\n$ {' '.join(command[1:])}", flush=True)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        print(line, end="", flush=True)
        lines.append(line.rstrip("\n"))
    if process.wait():
        print(f"({script} exited with {process.returncode})", flush=True)
    return lines


def engine_rows(lines: list[str]) -> list[dict[str, Any]]:
    rows = []
    for line in lines:
        if ENGINE_ROW.match(line):
            row: dict[str, Any] = {}
            for key, value in PAIR.findall(line):
                try:
                    row[key] = float(value)
                except ValueError:
                    row[key] = value
            rows.append(row)
    return rows


def pipeline_figures(lines: list[str]) -> dict[str, float]:
    text = "\n".join(lines)
    figures = {}
    if match := re.search(r"pipeline adds (-?[\d.]+) ms", text):
        figures["added_ttft_ms"] = float(match.group(1))
    if match := re.search(r"keeps ([\d.]+)%", text):
        figures["kept_decode"] = float(match.group(1)) / 100
    if match := re.search(r"ran at nice (-?\d+)", text):
        figures["llm_nice"] = float(match.group(1))
    return figures


def verdict(ok: bool | None) -> str:
    return "n/a " if ok is None else ("PASS" if ok else "MISS")


def summarize(
    big: list[dict[str, Any]],
    embedded: list[dict[str, Any]],
    llama: list[dict[str, Any]],
    pipeline: dict[str, float],
    concurrency: int,
) -> None:
    batch_key = f"decode_{concurrency}_tok_s"
    print("\n==== summary ====")
    for rows in (big, embedded):
        for row in rows:
            print(
                f"{row.get('model', '?'):24} {_engine_label(row):24} "
                f"load {row.get('load_s', 0):6.1f} s  "
                f"TTFT {row.get('first_token_s', 0):6.2f} s  "
                f"1 stream {row.get('decode_1_tok_s', 0):6.2f} tok/s  "
                f"{concurrency} at once {row.get(batch_key, 0):6.2f} tok/s  "
                f"peak {row.get('peak_rss_gib', 0):5.2f} GiB"
            )
    for row in llama:
        print(
            f"{'llama.cpp alone ' + row['file']:49} load {row['load_s']:6.1f} s  "
            f"TTFT {row['first_token_s']:6.2f} s  1 stream {row['decode_1_tok_s']:6.2f} tok/s  "
            f"peak {row['peak_rss_gib']:5.2f} GiB"
        )

    print("\n==== goals ====")
    added, kept = pipeline.get("added_ttft_ms"), pipeline.get("kept_decode")
    print(
        f"[{verdict(None if added is None else added <= 50)}] the pipeline adds <= 50 ms to TTFT: "
        f"{added if added is not None else '?'} ms"
    )
    print(
        f"[{verdict(None if kept is None else kept >= 0.95)}] the pipeline keeps >= 95% of the "
        f"decode rate: {f'{kept:.1%}' if kept is not None else '?'}"
        + (f" (model at nice {pipeline['llm_nice']:.0f})" if "llm_nice" in pipeline else "")
    )
    for rows in (big, embedded):
        for row in rows:
            one, many = row.get("decode_1_tok_s"), row.get(batch_key)
            ok = None if not one or not many else many >= 3 * one
            print(
                f"[{verdict(ok)}] {row.get('model', '?')} {_engine_label(row)}: "
                f"{concurrency} at once >= 3x one "
                f"({_rate(many)} vs {_rate(one)} tok/s)"
            )
    smollm = next((row for row in llama if "SmolLM2" in row["file"]), None)
    measured = [
        row
        for row in embedded
        if row.get("decode_1_tok_s") and row.get("model") == "smollm2-135m-instruct"
    ]
    if smollm is None or not measured:
        print("[n/a ] llama.cpp comparisons: llama.cpp or the embedded model was not measured")
        return
    llama_rate = smollm["decode_1_tok_s"]
    batch_best = max(measured, key=lambda row: row.get(batch_key, 0))
    batch_rate = batch_best.get(batch_key, 0)
    print(
        f"[{verdict(batch_rate >= 1.5 * llama_rate)}] {concurrency} at once >= 1.5x llama.cpp's "
        f"one stream on the same model: {batch_rate:.1f} ({_engine_label(batch_best)}) vs "
        f"{llama_rate:.1f} tok/s"
    )
    one_best = max(measured, key=lambda row: row.get("decode_1_tok_s", 0))
    one_rate = one_best.get("decode_1_tok_s", 0)
    print(
        f"[{verdict(one_rate >= 0.5 * llama_rate)}] one stream >= half of llama.cpp's: "
        f"{one_rate:.1f} ({_engine_label(one_best)}) vs {llama_rate:.1f} tok/s"
    )
    # The ratio goal on the backend that serves best (the most tokens at 8 at once).
    one_there = batch_best.get("decode_1_tok_s", 0)
    print(
        f"[{verdict(batch_rate >= 3 * one_there)}] best backend ({_engine_label(batch_best)}): "
        f"{concurrency} at once >= 3x its one stream: {batch_rate:.1f} vs {one_there:.1f} tok/s "
        f"({batch_rate / one_there:.1f}x)"
    )


def _engine_label(row: dict[str, Any]) -> str:
    return f"{row.get('backend', 'transformers')} {row.get('mode', '?')}"


def _rate(value: object) -> str:
    return f"{value:.1f}" if isinstance(value, float) else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short prompts; no 3B model")
    parser.add_argument("--modes", nargs="+", default=["bf16", "int8", "nf4"])
    parser.add_argument("--embedded-modes", nargs="+", default=["fp32", "bf16"])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--pipeline-runs", type=int, default=3)
    parser.add_argument("--skip-3b", action="store_true")
    parser.add_argument(
        "--skip-llamacpp-backend", action="store_true", help="our engine on transformers only"
    )
    parser.add_argument("--skip-pipeline", action="store_true")
    args = parser.parse_args()

    quick = ["--quick"] if args.quick else []
    concurrency = ["--concurrency", str(args.concurrency)]
    big: list[dict[str, Any]] = []
    if not (args.quick or args.skip_3b):
        big = engine_rows(run("llm_engine.py", "--modes", *args.modes, *concurrency))
    embedded = engine_rows(
        run("llm_engine.py", "--embedded", "--modes", *args.embedded_modes, *quick, *concurrency)
    )
    if not args.skip_llamacpp_backend:
        for model in ("smollm2-135m-instruct", "gemma3-270m"):
            embedded += engine_rows(
                run(
                    "llm_engine.py",
                    "--embedded",
                    "--embedded-model",
                    model,
                    "--backend",
                    "llamacpp",
                    *quick,
                    *concurrency,
                )
            )
    llama_lines = run("llm_llamacpp.py", *(["--prompt-tokens", "100"] if args.quick else []))
    llama = [json.loads(line) for line in llama_lines if line.startswith("{")]
    pipeline: dict[str, float] = {}
    if not args.skip_pipeline:
        pipeline = pipeline_figures(run("llm_pipeline.py", "--runs", str(args.pipeline_runs)))
    summarize(big, embedded, llama, pipeline, args.concurrency)


if __name__ == "__main__":
    main()
