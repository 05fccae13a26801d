import dataclasses
import threading
import time
from pathlib import Path
from typing import Any, cast

import pytest
import torch

from tutor.llm import engine as engine_module
from tutor.llm import loading
from tutor.llm.engine import Engine
from tutor.llm.loading import LoadedModel, ModelSpec
from tutor.llm.requests import Finished, GenerationRequest, QueueStatus, TokenDelta

PROMPTS = [
    "def add(a, b):",
    "class Stack:\n    def __init__(self):\n        self.items = []\n    def push(self, item):",
    "for",
    'Traceback (most recent call last):\n  File "solution.py", line 3, in add\n'
    "Explain why the test fails: AssertionError: expected 3, got 4.\n" * 3,
    "print(index)",
]
LONG = 3000


def generate_alone(
    model: LoadedModel, prompts: list[str], max_new_tokens: list[int]
) -> list[Finished]:
    with Engine(model, max_batch_size=1) as engine:
        return [
            engine.submit(GenerationRequest(prompt, max_new_tokens=n)).result()
            for prompt, n in zip(prompts, max_new_tokens, strict=True)
        ]


def transformers_greedy(model: LoadedModel, prompt: str, max_new_tokens: int) -> list[int]:
    """Reference ids from transformers' own generate(), independent of the engine's loop."""
    prompt_ids = model.tokenizer(prompt, return_tensors="pt")["input_ids"]
    with torch.inference_mode():
        output = cast(Any, model.model).generate(
            prompt_ids, max_new_tokens=max_new_tokens, do_sample=False, use_cache=True
        )
    return [int(token) for token in output[0, prompt_ids.shape[1] :]]


def most_running_within(engine: Engine, seconds: float, expected: int) -> int:
    most = 0
    give_up_at = time.monotonic() + seconds
    while most < expected and time.monotonic() < give_up_at:
        most = max(most, engine.stats().running)
        time.sleep(0.001)
    return most


def wait_for_tokens(handle_events, count: int) -> list[TokenDelta]:
    seen: list[TokenDelta] = []
    for event in handle_events:
        assert isinstance(event, TokenDelta), event
        seen.append(event)
        if len(seen) >= count:
            return seen
    raise AssertionError("the stream ended early")


def test_stream_yields_several_deltas_that_join_to_the_reply(engine: Engine) -> None:
    events = list(engine.submit(GenerationRequest(PROMPTS[0], max_new_tokens=20)).events())

    deltas = [event for event in events if isinstance(event, TokenDelta)]
    finished = events[-1]
    assert isinstance(finished, Finished)
    assert len(deltas) > 5
    assert "".join(delta.text for delta in deltas) == finished.text
    assert finished.reason == "length"
    assert finished.completion_tokens == 20
    assert finished.prompt_tokens > 0
    assert finished.first_token_seconds is not None
    assert 0 < finished.first_token_seconds <= finished.total_seconds


def test_engine_matches_transformers_greedy_generate(chat_model: LoadedModel) -> None:
    (finished,) = generate_alone(chat_model, [PROMPTS[1]], [16])

    expected = chat_model.tokenizer.decode(transformers_greedy(chat_model, PROMPTS[1], 16))
    assert finished.text == expected


@pytest.mark.parametrize("model_fixture", ["chat_model", "sliding_model"])
def test_batching_gives_each_request_its_unbatched_greedy_text(
    model_fixture: str, request: pytest.FixtureRequest
) -> None:
    model: LoadedModel = request.getfixturevalue(model_fixture)
    # Different prompt lengths, some longer than the sliding window (8), and different reply
    # lengths, so rows leave the batch at different steps while others go on.
    max_new_tokens = [150, 12, 40, 20, 25]
    alone = generate_alone(model, PROMPTS, max_new_tokens)

    with Engine(model, max_batch_size=8) as engine:
        first = engine.submit(GenerationRequest(PROMPTS[0], max_new_tokens=max_new_tokens[0]))
        first_events = first.events()
        early = wait_for_tokens(first_events, 3)  # it is decoding: the rest must join it
        later = [
            engine.submit(GenerationRequest(prompt, max_new_tokens=n))
            for prompt, n in zip(PROMPTS[1:], max_new_tokens[1:], strict=True)
        ]
        most_running = most_running_within(engine, seconds=2.0, expected=5)
        rest = list(first_events)
        first_finished = rest[-1]
        assert isinstance(first_finished, Finished)
        batched = [first_finished, *(handle.result() for handle in later)]

    assert most_running == 5
    assert (
        "".join(d.text for d in early) + "".join(e.text for e in rest if isinstance(e, TokenDelta))
        == batched[0].text
    )
    for single, together in zip(alone, batched, strict=True):
        assert together.reason == single.reason == "length"
        assert together.completion_tokens == single.completion_tokens
        assert together.text == single.text


@pytest.mark.parametrize("model_fixture", ["chat_model", "sliding_model"])
def test_prefill_in_small_chunks_gives_the_same_text(
    model_fixture: str, request: pytest.FixtureRequest
) -> None:
    model: LoadedModel = request.getfixturevalue(model_fixture)
    long_prompt = PROMPTS[3] * 3  # about 300 tokens: 5 chunks of 64, windows of 8
    whole = model.tokenizer.decode(transformers_greedy(model, long_prompt, 20))

    with Engine(model, max_batch_size=1, prefill_chunk_seconds=1e-9) as engine:
        chunked = engine.submit(GenerationRequest(long_prompt, max_new_tokens=20)).result()

    assert chunked.prompt_tokens > 4 * 64
    assert chunked.text == whole


def test_requests_from_many_threads_all_finish(engine: Engine) -> None:
    results: dict[int, Finished] = {}

    def ask(index: int) -> None:
        handle = engine.submit(GenerationRequest(PROMPTS[index % len(PROMPTS)], max_new_tokens=8))
        results[index] = handle.result()

    threads = [threading.Thread(target=ask, args=(index,)) for index in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == list(range(12))
    assert all(result.reason == "length" for result in results.values())


def test_cancel_frees_the_slot_for_the_next_request_within_a_second(
    chat_model: LoadedModel,
) -> None:
    with Engine(chat_model, max_batch_size=1) as engine:
        long = engine.submit(GenerationRequest(PROMPTS[0], max_new_tokens=LONG))
        long_events = long.events()
        wait_for_tokens(long_events, 2)
        waiting = engine.submit(GenerationRequest(PROMPTS[2], max_new_tokens=4))
        time.sleep(0.1)
        assert engine.queue_position(waiting).position == 1

        cancelled_at = time.monotonic()
        long.cancel()
        first_of_next = next(iter(waiting.events()))
        waited = time.monotonic() - cancelled_at
        finished = [event for event in long_events if isinstance(event, Finished)]

    assert isinstance(first_of_next, TokenDelta)
    assert waited < 1.0
    assert finished[0].reason == "cancelled"
    assert 0 < finished[0].completion_tokens < LONG


def test_a_request_ends_with_timeout_at_its_deadline(engine: Engine) -> None:
    started = time.monotonic()
    finished = engine.submit(
        GenerationRequest(PROMPTS[0], max_new_tokens=LONG, deadline_seconds=0.5)
    ).result()

    assert finished.reason == "timeout"
    assert 0 < finished.completion_tokens < LONG
    assert time.monotonic() - started < 1.5


def test_a_queued_request_times_out_without_running(chat_model: LoadedModel) -> None:
    with Engine(chat_model, max_batch_size=1) as engine:
        blocker = engine.submit(GenerationRequest(PROMPTS[0], max_new_tokens=LONG))
        queued = engine.submit(GenerationRequest(PROMPTS[1], deadline_seconds=0.3)).result()
        blocker.cancel()

    assert queued.reason == "timeout"
    assert queued.completion_tokens == 0
    assert queued.first_token_seconds is None


def test_stop_string_ends_the_reply_before_it(engine: Engine) -> None:
    reference = engine.submit(GenerationRequest(PROMPTS[1], max_new_tokens=30)).result().text
    stop = reference[10:14]
    expected = reference[: reference.index(stop)]

    finished = engine.submit(
        GenerationRequest(PROMPTS[1], max_new_tokens=30, stop=(stop,))
    ).result()

    assert finished.reason == "stop"
    assert finished.text == expected


def test_a_stop_token_ends_the_reply(chat_model: LoadedModel) -> None:
    prompt_ids = chat_model.tokenizer(PROMPTS[1])["input_ids"]
    generated = transformers_greedy(chat_model, PROMPTS[1], 10)
    # Pretend the fourth generated token is this model's end of turn.
    eos_model = dataclasses.replace(chat_model, stop_token_ids=frozenset({generated[3]}))
    with Engine(eos_model, max_batch_size=1) as engine:
        finished = engine.submit(GenerationRequest(prompt_ids, max_new_tokens=10)).result()

    assert finished.reason == "stop"
    assert finished.completion_tokens == generated.index(generated[3])


def test_a_tutors_answer_passes_over_a_stop_string_it_would_open_with(engine: Engine) -> None:
    reference = engine.submit(GenerationRequest(PROMPTS[1], max_new_tokens=12)).result().text
    # The greedy answer's first visible characters as a stop string: it would end at once.
    stop = reference.lstrip()[:2]
    assert stop.strip()

    silent = engine.submit(GenerationRequest(PROMPTS[1], max_new_tokens=12, stop=(stop,)))
    answer = engine.submit(
        GenerationRequest(PROMPTS[1], max_new_tokens=12, stop=(stop,), nonempty=True)
    )

    assert silent.result().text.strip() == ""
    text = answer.result().text
    assert text.strip()
    assert not text.lstrip().startswith(stop)


def test_a_tutors_answer_passes_over_a_stop_token_it_would_open_with(
    chat_model: LoadedModel,
) -> None:
    prompt_ids = chat_model.tokenizer(PROMPTS[1])["input_ids"]
    generated = transformers_greedy(chat_model, PROMPTS[1], 4)
    # Pretend the greedy first token is this model's end of turn.
    eos_model = dataclasses.replace(chat_model, stop_token_ids=frozenset({generated[0]}))
    with Engine(eos_model, max_batch_size=1) as engine:
        silent = engine.submit(GenerationRequest(prompt_ids, max_new_tokens=4)).result()
        answer = engine.submit(
            GenerationRequest(prompt_ids, max_new_tokens=4, nonempty=True)
        ).result()

    assert (silent.reason, silent.completion_tokens) == ("stop", 0)
    assert answer.completion_tokens > 0
    assert answer.text != silent.text


def test_sampling_is_reproducible_with_a_seed(engine: Engine) -> None:
    def sample(seed: int) -> str:
        request = GenerationRequest(
            PROMPTS[0], max_new_tokens=16, temperature=1.0, top_p=0.9, seed=seed
        )
        return engine.submit(request).result().text

    assert sample(7) == sample(7)
    assert sample(7) != sample(8)


def test_queue_position_and_wait_estimate(chat_model: LoadedModel) -> None:
    with Engine(chat_model, max_batch_size=1) as engine:
        running = engine.submit(GenerationRequest(PROMPTS[0], max_new_tokens=LONG))
        wait_for_tokens(running.events(), 1)
        second = engine.submit(GenerationRequest(PROMPTS[1], max_new_tokens=50))
        third = engine.submit(GenerationRequest(PROMPTS[2], max_new_tokens=50))
        time.sleep(0.05)

        statuses = [engine.queue_position(h) for h in (running, second, third)]
        for handle in (running, second, third):
            handle.cancel()
        ended = [handle.result() for handle in (second, third)]

    assert statuses[0] == QueueStatus("running", 0, 0.0)
    assert (statuses[1].state, statuses[1].position) == ("waiting", 1)
    assert (statuses[2].state, statuses[2].position) == ("waiting", 2)
    assert 0 < statuses[1].estimated_wait_seconds < statuses[2].estimated_wait_seconds
    assert [finished.reason for finished in ended] == ["cancelled", "cancelled"]
    assert engine.queue_position(second).state == "finished"


def test_an_urgent_request_waits_ahead_of_the_others(chat_model: LoadedModel) -> None:
    """An inline completion is never behind hints (issue 22)."""
    with Engine(chat_model, max_batch_size=1) as engine:
        running = engine.submit(GenerationRequest(PROMPTS[0], max_new_tokens=LONG))
        wait_for_tokens(running.events(), 1)
        hint = engine.submit(GenerationRequest(PROMPTS[1], max_new_tokens=4))
        first_completion = engine.submit(GenerationRequest(PROMPTS[2], urgent=True))
        second_completion = engine.submit(GenerationRequest(PROMPTS[4], urgent=True))
        time.sleep(0.05)

        places = [engine.queue_position(h).position for h in (hint, first_completion)]
        places.append(engine.queue_position(second_completion).position)
        for handle in (running, hint, first_completion, second_completion):
            handle.cancel()

    assert places == [3, 1, 2]


def test_status_events_while_waiting(chat_model: LoadedModel) -> None:
    with Engine(chat_model, max_batch_size=1) as engine:
        running = engine.submit(GenerationRequest(PROMPTS[0], max_new_tokens=LONG))
        waiting = engine.submit(GenerationRequest(PROMPTS[1], max_new_tokens=4))
        events = waiting.events(status_every_seconds=0.05)
        status = next(events)
        running.cancel()
        rest = list(events)

    assert isinstance(status, QueueStatus)
    assert status.state == "waiting"
    assert isinstance(rest[-1], Finished)
    assert rest[-1].reason == "length"


def test_a_failing_prefill_surfaces_as_an_error_and_the_engine_goes_on(
    engine: Engine, chat_model: LoadedModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_forward(*args: object, **kwargs: object) -> None:
        raise RuntimeError("out of memory (simulated)")

    with monkeypatch.context() as patch:
        patch.setattr(chat_model.model, "forward", broken_forward)
        failed = engine.submit(GenerationRequest(PROMPTS[0], max_new_tokens=5)).result()
    recovered = engine.submit(GenerationRequest(PROMPTS[0], max_new_tokens=5)).result()

    assert failed.reason == "error"
    assert failed.error is not None and "out of memory (simulated)" in failed.error
    assert recovered.reason == "length"


def test_a_failing_decode_step_ends_every_running_request_with_an_error(
    engine: Engine, chat_model: LoadedModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_forward = chat_model.transformers_model.forward
    calls = 0

    def fails_on_fourth_call(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 4:
            raise RuntimeError("kernel crashed (simulated)")
        return real_forward(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(chat_model.model, "forward", fails_on_fourth_call)
        finished = engine.submit(GenerationRequest(PROMPTS[0], max_new_tokens=20)).result()

    assert finished.reason == "error"
    assert finished.completion_tokens > 0
    assert engine.submit(GenerationRequest(PROMPTS[0], max_new_tokens=3)).result().reason == (
        "length"
    )


@pytest.mark.parametrize(
    ("prompt", "message"),
    [("", "empty"), ([10**7], "outside the model's vocabulary"), ("x" * 9000, "window")],
)
def test_invalid_requests_finish_with_an_error(
    engine: Engine, prompt: str | list[int], message: str
) -> None:
    finished = engine.submit(GenerationRequest(prompt, max_new_tokens=5)).result()

    assert finished.reason == "error"
    assert finished.error is not None and message in finished.error


def test_max_new_tokens_is_clipped_to_the_window(chat_model: LoadedModel) -> None:
    prompt = [5] * (chat_model.info.context_window - 3)
    with Engine(chat_model) as engine:
        finished = engine.submit(GenerationRequest(prompt, max_new_tokens=50)).result()

    assert finished.reason == "length"
    assert finished.completion_tokens == 3


def test_closing_the_engine_cancels_what_runs_and_refuses_new_work(
    chat_model: LoadedModel,
) -> None:
    engine = Engine(chat_model, max_batch_size=1)
    running = engine.submit(GenerationRequest(PROMPTS[0], max_new_tokens=LONG))
    queued = engine.submit(GenerationRequest(PROMPTS[1], max_new_tokens=LONG))
    wait_for_tokens(running.events(), 1)

    engine.close()

    assert running.result().reason == "cancelled"
    assert queued.result().reason == "cancelled"
    refused = engine.submit(GenerationRequest(PROMPTS[0])).result()
    assert refused.reason == "error"


# --- which threads compute (see engine.py: OpenMP pools per thread) -----------------------------


def test_only_the_scheduler_thread_makes_and_runs_the_model(
    chat_model: LoadedModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    computing_threads: set[str] = set()
    real_forward = chat_model.transformers_model.forward
    real_make_runner = engine_module.make_runner

    def recording_forward(*args: Any, **kwargs: Any) -> object:
        computing_threads.add(threading.current_thread().name)
        return real_forward(*args, **kwargs)

    def recording_make_runner(*args: Any) -> object:
        computing_threads.add(threading.current_thread().name)
        return real_make_runner(*args)

    monkeypatch.setattr(chat_model.model, "forward", recording_forward)
    monkeypatch.setattr(engine_module, "make_runner", recording_make_runner)
    with Engine(chat_model, max_batch_size=2) as engine:
        handles = [engine.submit(GenerationRequest(p, max_new_tokens=4)) for p in PROMPTS[:3]]
        finished = [handle.result() for handle in handles]

    assert [reply.reason for reply in finished] == ["length"] * 3
    assert computing_threads == {"llm-scheduler"}


def test_an_engine_whose_runner_cannot_be_made_raises_its_error(
    chat_model: LoadedModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_memory(*args: object) -> None:
        raise MemoryError("no room for the KV cache (simulated)")

    monkeypatch.setattr(engine_module, "make_runner", no_memory)

    with pytest.raises(MemoryError, match="no room for the KV cache"):
        Engine(chat_model)


def test_a_model_loads_in_a_thread_that_ends_with_loading(
    chat_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaders: list[threading.Thread] = []
    real_load = loading._load_model

    def recording_load(spec: ModelSpec) -> LoadedModel:
        loaders.append(threading.current_thread())
        return real_load(spec)

    monkeypatch.setattr(loading, "_load_model", recording_load)
    loaded = loading.load_model(ModelSpec(chat_model_dir, device="cpu"))

    assert loaded.info.architecture == "StableLmForCausalLM"
    (loader,) = loaders
    assert loader is not threading.current_thread()
    assert not loader.is_alive()


SHARED_START = (
    "<|im_start|>system\nExplain why the test fails: AssertionError: expected 3, got 4.\n"
    "class Stack:\n    def __init__(self):\n        self.items = []\n<|im_end|>\n"
    "<|im_start|>user\n"
)
STUDENT_ENDS = (
    "def add(a, b):\n    return a - b\n<|im_end|>\n<|im_start|>assistant\n",
    "for index in range(10):\n    print(index)\n<|im_end|>\n<|im_start|>assistant\n",
    "what does return do in a function?<|im_end|>\n<|im_start|>assistant\n",
)


def replies(engine: Engine, prompts: list[str], max_new_tokens: int = 24) -> list[Finished]:
    return [
        engine.submit(GenerationRequest(prompt, max_new_tokens=max_new_tokens)).result()
        for prompt in prompts
    ]


def test_prompts_sharing_their_start_reuse_its_kv_cache_and_reply_the_same(
    chat_model: LoadedModel,
) -> None:
    prompts = [SHARED_START + end for end in STUDENT_ENDS]
    shared = len(chat_model.tokenizer(SHARED_START)["input_ids"])
    assert shared >= 40
    with Engine(chat_model, max_batch_size=2, prefix_holders=0) as engine:
        computed = replies(engine, prompts)
    with Engine(chat_model, max_batch_size=2, prefix_holders=1) as engine:
        reused = replies(engine, prompts)
        # A prompt with another start gets nothing from the holder.
        (other,) = replies(engine, [PROMPTS[3]], 5)

    assert [f.reused_prompt_tokens for f in computed] == [0, 0, 0]
    assert reused[0].reused_prompt_tokens == 0
    assert all(shared - 2 <= f.reused_prompt_tokens <= shared + 2 for f in reused[1:])
    assert other.reused_prompt_tokens == 0
    for without, with_reuse in zip(computed, reused, strict=True):
        assert with_reuse.reason == without.reason == "length"
        assert with_reuse.text == without.text


def test_reuse_while_others_decode_gives_each_its_unbatched_text(chat_model: LoadedModel) -> None:
    prompts = [SHARED_START + end for end in STUDENT_ENDS]
    alone = generate_alone(chat_model, prompts, [30, 30, 30])
    with Engine(chat_model, max_batch_size=4, prefix_holders=2) as engine:
        handles = [engine.submit(GenerationRequest(p, max_new_tokens=30)) for p in prompts]
        together = [handle.result() for handle in handles]

    assert sum(f.reused_prompt_tokens > 0 for f in together) == 2
    assert [f.text for f in together] == [f.text for f in alone]


def test_held_prefixes_give_way_to_a_request_that_needs_their_kv_budget(
    chat_model: LoadedModel,
) -> None:
    prompts = [SHARED_START + end for end in STUDENT_ENDS[:2]]
    lengths = [len(chat_model.tokenizer(prompt)["input_ids"]) for prompt in prompts]
    new_tokens = 10
    # Room for the second request, but not for it and the first prompt held as well.
    tight = max(lengths) + new_tokens + min(lengths) - 1
    with Engine(chat_model, max_batch_size=1, prefix_holders=1) as engine:
        roomy = replies(engine, prompts, new_tokens)
    with Engine(chat_model, max_batch_size=1, prefix_holders=1, kv_budget_tokens=tight) as engine:
        squeezed = replies(engine, prompts, new_tokens)

    assert roomy[1].reused_prompt_tokens > 0
    assert squeezed[1].reason == "length"
    assert squeezed[1].reused_prompt_tokens == 0
    assert squeezed[1].text == roomy[1].text


def test_sliding_window_models_prefill_every_prompt_whole(sliding_model: LoadedModel) -> None:
    prompts = [SHARED_START + end for end in STUDENT_ENDS[:2]]
    with Engine(sliding_model, max_batch_size=1, prefix_holders=2) as engine:
        finished = replies(engine, prompts, 5)

    assert [f.reused_prompt_tokens for f in finished] == [0, 0]
