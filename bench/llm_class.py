"""A class asking for hints at once: time to first text and whole answer, with and without
prefix reuse. Not a test; prints a table.

N students (--students, default 8 16 32) each submit one hint prompt at the same moment, built
by tutor/llm/prompts.py as the llm worker builds it: the system prompt, the exercise, the
student's own code and failing test, the task. "same": everyone on one exercise (the prompts
share the system prompt and the exercise statement); "different": each on an exercise of its
own (only the system prompt is shared). Each case runs with the engine's prefix holders
(--holders, default 2) and without (0). Per case: time to first text p50/p95 and whole-answer
time p50/p95 over the N requests, and the prompt tokens the engine did not have to prefill.

    .venv/bin/python bench/llm_class.py                          # the embedded demo model
    .venv/bin/python bench/llm_class.py --model path/to/model.gguf --students 16
    .venv/bin/python bench/llm_class.py --remote http://gpu-box:8000/v1 --remote-model NAME

--remote sends the same prompts, as chat messages, to an OpenAI-compatible server
(tutor/llm/remote.py); prefix reuse is then the server's business (vLLM's
--enable-prefix-caching, llama-server's prompt cache), so only one row per case is printed.
"""

import argparse
import statistics
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tutor.llm  # noqa: F401  (offline environment first)
from tutor.llm.embedded import embedded_model_path
from tutor.llm.engine import Engine
from tutor.llm.loading import LoadedModel, ModelSpec, load_model
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


def contexts(students: int, same_exercise: bool) -> list[PromptContext]:
    result = []
    for student in range(students):
        exercise = 0 if same_exercise else student
        name = f"running_totals_{exercise}"
        result.append(
            PromptContext(
                exercise_title=f"Exercise {exercise}: running totals",
                exercise_statement=STATEMENT.format(name=name),
                student_code=CODE.format(name=name, bug=BUGS[student % len(BUGS)])
                + f"# student {student}\n",
                student_filename="solution.py",
                test_output=TEST_OUTPUT.format(name=name),
                hint_level=1 + student % 3,
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


def row(label: str, finished: list[Finished]) -> str:
    first = [f.first_token_seconds or f.total_seconds for f in finished]
    whole = [f.total_seconds for f in finished]
    prompt = statistics.mean(f.prompt_tokens for f in finished)
    reused = sum(f.reused_prompt_tokens for f in finished)
    total = sum(f.prompt_tokens for f in finished) or 1
    errors = sum(1 for f in finished if f.reason not in ("stop", "length"))
    return (
        f"{label:<28} {percentile(first, 50):7.2f} {percentile(first, 95):7.2f} "
        f"{percentile(whole, 50):7.2f} {percentile(whole, 95):7.2f} {prompt:7.0f} "
        f"{100 * reused / total:6.0f}%" + (f"  ({errors} failed)" if errors else "")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, help="default: the embedded demo model")
    parser.add_argument("--students", type=int, nargs="+", default=[8, 16, 32])
    parser.add_argument("--parallel", type=int, default=8, help="the engine's batch size")
    parser.add_argument("--holders", type=int, default=2)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--remote", default="", help="an OpenAI-compatible server's URL")
    parser.add_argument("--remote-model", default="")
    parser.add_argument("--only", choices=["same", "different"], help="one case only")
    args = parser.parse_args()

    cases = [args.only] if args.only else ["same", "different"]
    header = (
        f"{'case':<28} {'first p50':>7} {'p95':>7} {'whole p50':>7} {'p95':>7} "
        f"{'prompt':>7} {'reused':>7}"
    )
    if args.remote:
        config = ServerConfig(args.remote, model=args.remote_model, parallel=args.parallel)
        probe = probe_server(config)
        model = RemoteModel(config=config, info=remote_model_info(config, probe))
        print(f"remote {config.base_url}: {probe}; times in seconds", flush=True)
        print(header)
        with RemoteEngine(config) as remote:
            for students in args.students:
                for case in cases:
                    finished = run_case(
                        remote, model, students, case == "same", args.max_new_tokens
                    )
                    print(row(f"{students} students, {case}", finished), flush=True)
        return 0

    path = args.model or embedded_model_path(Path("var/models"))
    loaded = load_model(ModelSpec(path, parallel_requests=args.parallel))
    print(
        f"{path.name} on {loaded.info.backend} ({loaded.info.precision}), batch {args.parallel}, "
        f"{args.max_new_tokens} new tokens per answer; times in seconds",
        flush=True,
    )
    print(header)
    for students in args.students:
        for case in cases:
            for holders in (0, args.holders):
                with Engine(loaded, max_batch_size=args.parallel, prefix_holders=holders) as engine:
                    finished = run_case(
                        engine, loaded, students, case == "same", args.max_new_tokens
                    )
                label = f"{students} students, {case}, {'reuse' if holders else 'no reuse'}"
                print(row(label, finished), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
