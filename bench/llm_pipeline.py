"""What the AI pipeline costs: Celery + Redis + Channels + a WebSocket client vs the engine alone.

    .venv/bin/python bench/llm_pipeline.py [--model PATH] [--precision fp32] [--runs 5]
                                           [--llm-nice N]

Starts a private stack on loopback (a temporary SQLite database, Redis database 12, daphne on a
free port, one llm worker), logs in as a student with a real HTTP + WebSocket client (the
`websockets` package), asks for hints and measures in the client: time from sending the request
to the first token, and the decode rate from the first token to the last. The same prompts then
run on the engine directly in this process. Needs Redis on 127.0.0.1:6379 and nothing else.
"""

import argparse
import asyncio
import json
import statistics
import time

import websockets
from stack import login_cookie, private_stack

CODE = "def add(a, b):\n    return a - b\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="", help="model folder or .gguf (default: embedded)")
    parser.add_argument("--precision", default="fp32")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument(
        "--llm-nice",
        type=int,
        help="the llm worker's model threads' nice value (default: LABTUTOR_LLM_NICE, else 10)",
    )
    args = parser.parse_args()
    overrides = {
        "LABTUTOR_MODEL": args.model,
        "LABTUTOR_MODEL_PRECISION": args.precision,
        "LABTUTOR_MODEL_DEVICE": "cpu",
        "LABTUTOR_LLM_MAX_NEW_TOKENS": str(args.max_new_tokens),
        "LABTUTOR_LLM_PARALLEL": "1",
        # The bare pipeline: the guard's own cost is measured by bench/guard_cost.py.
        "LABTUTOR_GUARD": "0",
        # One student asks many times in a row here; the class's rate limit would refuse them.
        "LABTUTOR_AI_RATE_LIMIT": "0",
    }
    if args.llm_nice is not None:
        overrides["LABTUTOR_LLM_NICE"] = str(args.llm_nice)
    with private_stack(llm_worker=True, **overrides) as stack:
        wait_for_worker_model(seconds=300)
        pipeline = asyncio.run(ask_through_the_site(stack.base_url, args.runs))
        for process in stack.processes:
            process.terminate()
        # The worker's cores are free again for the engine in this process.
        direct = ask_the_engine_directly(args.runs)
    report(pipeline, direct)


def wait_for_worker_model(seconds: float) -> None:
    import django

    django.setup()
    from tutor.assist.model_status import read_status, status_key
    from tutor.redis_client import redis_client

    redis_client().delete(status_key())  # left by an earlier run
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if read_status() is not None:
            return
        time.sleep(0.5)
    raise TimeoutError("the llm worker did not load its model in time")


async def ask_through_the_site(base_url: str, runs: int) -> list[dict[str, float]]:
    cookie = login_cookie(base_url)
    results = []
    async with websockets.connect(
        base_url.replace("http://", "ws://") + "/ws/workspace/add-two/",
        additional_headers={"Cookie": cookie, "Origin": base_url},
    ) as socket:
        assert json.loads(await socket.recv())["type"] == "hello"
        for _ in range(runs + 1):  # the first run warms up the worker
            results.append(await one_hint(socket))
    return results[1:]


async def one_hint(socket: websockets.ClientConnection) -> dict[str, float]:
    sent = time.monotonic()
    await socket.send(json.dumps({"type": "help", "kind": "review", "code": CODE}))
    first = last = 0.0
    while True:
        message = json.loads(await socket.recv())
        if message["type"] == "delta":
            last = time.monotonic()
            first = first or last
        if message["type"] == "request" and message["request"]["status"] in {"done", "failed"}:
            if message["request"]["status"] == "failed":
                raise RuntimeError(message["request"]["error_message"])
            request_id = message["request"]["id"]
            break
    from tutor.assist.models import AiRequest

    row = await asyncio.to_thread(AiRequest.objects.get, pk=request_id)
    duration_ms, first_token_ms = row.duration_ms or 0, row.first_token_ms or 0
    engine_decode = (duration_ms - first_token_ms) / 1000
    return {
        "client_ttft": first - sent,
        "engine_ttft": first_token_ms / 1000,
        "client_rate": (row.completion_tokens - 1) / max(last - first, 1e-9),
        "engine_rate": (row.completion_tokens - 1) / max(engine_decode, 1e-9),
        "tokens": row.completion_tokens,
        "prompt_tokens": row.prompt_tokens,
    }


def ask_the_engine_directly(runs: int) -> list[dict[str, float]]:

    from exercises.models import Exercise
    from tutor.assist.engine import answer_limits, get_engine
    from tutor.llm.prompts import PromptContext, Task
    from tutor.llm.remote_prompts import build_any_prompt as build_prompt

    engine, loaded = get_engine()
    exercise = Exercise.objects.get(slug="add-two")
    context = PromptContext(
        exercise_title=exercise.title,
        exercise_statement=exercise.statement_md,
        student_code=CODE,
        student_filename="adder.py",
    )
    limits = answer_limits()
    prompt = build_prompt(
        loaded,
        Task.REVIEW,
        context,
        max_new_tokens=limits.max_new_tokens,
        max_prompt_tokens=limits.max_prompt_tokens,
        style=limits.style,
    )
    results = []
    for _ in range(runs + 1):
        finished = engine.submit(prompt.request(deadline_seconds=600)).result()
        decode = finished.total_seconds - (finished.first_token_seconds or 0)
        results.append(
            {
                "engine_ttft": finished.first_token_seconds or 0.0,
                "engine_rate": (finished.completion_tokens - 1) / max(decode, 1e-9),
                "tokens": finished.completion_tokens,
            }
        )
    return results[1:]


def report(pipeline: list[dict[str, float]], direct: list[dict[str, float]]) -> None:
    from django.conf import settings

    def median(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(row[key] for row in rows)

    added = [row["client_ttft"] - row["engine_ttft"] for row in pipeline]
    print(
        f"prompt tokens {pipeline[0]['prompt_tokens']:.0f}, "
        f"completion tokens {median(pipeline, 'tokens'):.0f} (median of {len(pipeline)} runs)"
    )
    print(
        f"engine directly:  TTFT {median(direct, 'engine_ttft') * 1000:7.1f} ms   "
        f"decode {median(direct, 'engine_rate'):6.1f} tok/s"
    )
    print(
        f"through the site: TTFT {median(pipeline, 'client_ttft') * 1000:7.1f} ms   "
        f"decode {median(pipeline, 'client_rate'):6.1f} tok/s (client side; "
        f"the worker's engine meanwhile {median(pipeline, 'engine_rate'):.1f} tok/s)"
    )
    print(
        f"  pipeline adds {statistics.median(added) * 1000:.1f} ms to TTFT "
        f"(client TTFT minus the worker engine's own TTFT, median; max "
        f"{max(added) * 1000:.1f} ms)"
    )
    kept = median(pipeline, "client_rate") / median(direct, "engine_rate")
    print(f"  keeps {kept:.1%} of the direct decode rate")
    # At nice 10 (the default) the model yields the cores to daphne, Redis and this benchmark's
    # own client, which in a lab runs on the student's machine instead.
    print(f"  (the llm worker's model threads ran at nice {settings.LLM_NICE})")


if __name__ == "__main__":
    main()
