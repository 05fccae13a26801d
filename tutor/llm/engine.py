"""One model, many callers: a scheduler thread that batches requests and streams their tokens.

Callers (threads of the Celery llm worker) submit requests and iterate their handle's events.
The scheduler thread owns the model. Each loop it admits waiting requests while there is room,
runs one prefill chunk of the request being admitted, then one decode step for every sequence in
the running batch. A request that arrives while others decode joins their batch as soon as its
prompt is prefilled (see batch.py); a sequence that finishes, is cancelled or runs out of time
leaves the batch at the next step. Prefill runs in chunks sized to about
`prefill_chunk_seconds` so a long prompt neither freezes the others' streams nor delays a
cancellation for long.

The model itself sits behind a runner (runners.py): transformers with a padded KV cache batch,
or llama.cpp with its multi-sequence batches for .gguf files on the CPU. Everything here
(scheduling, sampling, stop tokens and strings, streaming, deadlines, queue estimates) is shared.

The scheduler thread makes the runner and is the only thread that runs the model. On the CPU
both torch and llama.cpp compute through OpenMP (libgomp), which keeps a pool of worker threads
for each thread that starts parallel work; once the pools hold more threads than there are
cores, libgomp stops spinning at barriers and sleeps instead, and each of the many barriers of a
forward pass costs a wake-up. Measured on the 2-core lab CPU with SmolLM2, one stream from a
second thread after the first had computed: llama.cpp 33 instead of 91 tok/s, transformers
17.6 instead of 27.7. (load_model likewise loads in a thread of its own, whose pool ends with it.)

Why this design (measured on the 2-core lab CPU, see bench/llm_batching.py and the report):
decode on CPU is bound by reading the weights, so a step for 8 sequences costs little more than a
step for 1, and a padded batch gives ~4x the throughput of running requests one by one. Joining
the running batch instead of waiting for it to drain keeps that throughput when students ask at
different moments, which is the normal case in a lab.
"""

import heapq
import itertools
import logging
import math
import queue
import secrets
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

import torch

from tutor.llm.loading import LoadedModel
from tutor.llm.requests import (
    Event,
    Finished,
    FinishReason,
    GenerationRequest,
    QueueStatus,
    TokenDelta,
)
from tutor.llm.runners import Runner, make_runner
from tutor.llm.streaming import IncrementalDecoder, StopStringMatcher

logger = logging.getLogger(__name__)

# Before anything is measured, guess a slow CPU so the first wait estimates err long.
_INITIAL_STEP_SECONDS = 0.5
_INITIAL_PREFILL_SECONDS_PER_TOKEN = 0.01
_SMOOTHING = 0.2
# Below ~64 rows a CPU matmul is bound by reading the weights, like a decode step, so smaller
# chunks would multiply prefill time; a big model's chunk may then take over the target.
_MIN_PREFILL_CHUNK = 64
# With no stream running, a chunk may take this long; 0: as long as with others running. Off
# until measured on a quiet machine: on the shared 2-core one (bench/llm_prefill.py, SmolLM2,
# 500 tokens) two runs disagreed, 4 s chunks best 5.84 s against 4.64 s, then 3.51 against 4.96.
_ALONE_PREFILL_CHUNK_SECONDS = 0.0
_MAX_PREFILL_CHUNK = 2048
# The likeliest tokens looked at for one that would end an answer before it said anything.
_OPENING_CANDIDATES = 16
# How often a caller waiting for events checks that the scheduler is still alive.
_LIVENESS_POLL_SECONDS = 1.0
# How long past its deadline a caller waits before declaring the engine stuck.
_STUCK_GRACE_SECONDS = 30.0


@dataclass(frozen=True)
class EngineStats:
    """A snapshot for dashboards. Each decode step yields one token for every running request."""

    waiting: int
    running: int
    decode_steps_per_second: float
    prefill_tokens_per_second: float
    # A decode step's seconds by how many answers it advanced: on a CPU, answers that run
    # together each get slower (tutor/assist/answer_speed.py makes admission estimates of it).
    step_seconds_by_batch: dict[int, float] = field(default_factory=dict)


class RequestHandle:
    """A submitted request: its events, and a way to cancel it. Iterate from one thread."""

    def __init__(self, engine: "Engine", request_id: int, deadline_at: float) -> None:
        self.id = request_id
        self._engine = engine
        self._deadline_at = deadline_at
        self._events: queue.SimpleQueue[Event] = queue.SimpleQueue()
        self._cancelled = threading.Event()
        self._finished: Finished | None = None

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    @property
    def finished(self) -> Finished | None:
        return self._finished

    def cancel(self) -> None:
        """Stops the request; the engine frees its slot at its next step and sends Finished."""
        self._cancelled.set()
        self._engine._wake()

    def events(self, status_every_seconds: float | None = None) -> Iterator[Event]:
        """TokenDelta events, then one Finished. With status_every_seconds, also a QueueStatus
        whenever that long passes without a token (e.g. to show the queue, or heartbeat)."""
        poll = status_every_seconds or _LIVENESS_POLL_SECONDS
        while True:
            try:
                event = self._events.get(timeout=poll)
            except queue.Empty:
                if status_every_seconds is not None:
                    yield self._engine.queue_position(self)
                stuck = self._engine._stuck_reason(self._deadline_at)
                if stuck is not None:
                    yield Finished("error", "", 0, 0, None, 0.0, error=stuck)
                    return
                continue
            yield event
            if isinstance(event, Finished):
                return

    def result(self) -> Finished:
        """Waits for the end and returns the Finished event (its text is the whole reply)."""
        for event in self.events():
            if isinstance(event, Finished):
                return event
        raise AssertionError("events() always ends with Finished")

    def _send(self, event: Event) -> None:
        if isinstance(event, Finished):
            self._finished = event
        self._events.put(event)


@dataclass(eq=False)
class _Sequence:
    """The scheduler's state for one request."""

    handle: RequestHandle
    request: GenerationRequest
    prompt_ids: list[int]
    max_new_tokens: int
    submitted_at: float
    deadline_at: float
    decoder: IncrementalDecoder
    stop_strings: StopStringMatcher
    stop_token_ids: frozenset[int]
    generator: torch.Generator | None
    # The runner's state for a sequence being prefilled (begin() to join()).
    prefill_state: object | None = None
    prefilled_tokens: int = 0
    # Prompt tokens whose KV cache came from an earlier prompt (no prefill).
    reused_tokens: int = 0
    reuse_checked: bool = False
    next_token: int = 0
    completion_tokens: int = 0
    first_token_at: float | None = None
    text_parts: list[str] = field(default_factory=list)
    # Whether visible (not only blank) text has been released.
    said_something: bool = False

    @property
    def remaining_tokens(self) -> int:
        return self.max_new_tokens - self.completion_tokens

    @property
    def length(self) -> int:
        return len(self.prompt_ids) + self.completion_tokens


class Engine:
    """Serves one loaded model to many threads, batching their requests.

    max_batch_size: sequences decoded together. kv_budget_tokens: KV cache columns the batch may
    hold (transformers: in total, rows x padded width; llama.cpp: per sequence, each has a KV
    stream of this many tokens); defaults to the loaded model's budget (what fits in memory).
    join_running_batch: False makes new requests wait until the running batch has drained
    (static batching; kept for comparison in bench/llm_batching.py). prefix_holders: prompts
    kept so that a new prompt sharing their start skips its prefill (runners.py; on llama.cpp
    each is a KV stream of its own, which ModelSpec.prefix_holders makes room for; on
    transformers their tokens count against kv_budget_tokens; 0 turns it off, as
    bench/llm_class.py compares).
    """

    def __init__(
        self,
        loaded: LoadedModel,
        *,
        max_batch_size: int = 8,
        kv_budget_tokens: int | None = None,
        join_running_batch: bool = True,
        prefill_chunk_seconds: float = 0.5,
        alone_prefill_chunk_seconds: float = _ALONE_PREFILL_CHUNK_SECONDS,
        prefix_holders: int = 2,
    ) -> None:
        if max_batch_size < 1:
            raise ValueError("max_batch_size must be at least 1")
        self._loaded = loaded
        self._tokenizer = loaded.tokenizer
        self._kv_budget_tokens = kv_budget_tokens or loaded.info.kv_budget_tokens
        self._join_running_batch = join_running_batch
        self._prefill_chunk_seconds = prefill_chunk_seconds
        self._alone_prefill_chunk_seconds = alone_prefill_chunk_seconds
        self._prefix_holders = prefix_holders
        self._special_tokens = {
            token: token_id for token, token_id in self._tokenizer.get_added_vocab().items()
        }

        self._lock = threading.Lock()
        self._wakeup = threading.Condition(self._lock)
        self._waiting: deque[_Sequence] = deque()
        self._prefilling: deque[_Sequence] = deque()
        self._running: list[_Sequence] = []
        self._closing = False
        self._ids = itertools.count(1)
        self._step_seconds = _RunningAverage(_INITIAL_STEP_SECONDS)
        self._step_seconds_by_batch: dict[int, _RunningAverage] = {}
        self._prefill_seconds_per_token = _RunningAverage(_INITIAL_PREFILL_SECONDS_PER_TOKEN)

        # Made by the scheduler thread (see the module's docstring); __init__ waits for it.
        self._runner: Runner
        self._runner_made = threading.Event()
        self._runner_error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._serve, args=(max_batch_size,), name="llm-scheduler", daemon=True
        )
        self._thread.start()
        self._runner_made.wait()
        if self._runner_error is not None:
            raise self._runner_error

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def stats(self) -> EngineStats:
        with self._lock:
            return EngineStats(
                waiting=len(self._waiting),
                running=len(self._prefilling) + len(self._running),
                decode_steps_per_second=1.0 / self._step_seconds.value,
                prefill_tokens_per_second=1.0 / self._prefill_seconds_per_token.value,
                step_seconds_by_batch={
                    size: average.value
                    for size, average in sorted(self._step_seconds_by_batch.items())
                },
            )

    def submit(self, request: GenerationRequest) -> RequestHandle:
        now = time.monotonic()
        handle = RequestHandle(self, next(self._ids), now + request.deadline_seconds)
        try:
            sequence = self._prepare(handle, request, now)
        except ValueError as error:
            handle._send(Finished("error", "", 0, 0, None, 0.0, error=str(error)))
            return handle
        with self._lock:
            if self._closing:
                sequence.handle._send(self._finished(sequence, "error", "the engine is closed"))
                return handle
            if request.urgent:
                # Behind other urgent ones only: the first of the waiting line that is not.
                place = next(
                    (i for i, s in enumerate(self._waiting) if not s.request.urgent),
                    len(self._waiting),
                )
                self._waiting.insert(place, sequence)
            else:
                self._waiting.append(sequence)
            self._wakeup.notify()
        return handle

    def queue_position(self, handle: RequestHandle) -> QueueStatus:
        """0 once running, else the place in line and a wait estimate from recent speeds
        (pessimistic: it assumes every request ahead uses all of its max_new_tokens)."""
        with self._lock:
            if handle.finished is not None:
                return QueueStatus("finished", 0, 0.0)
            active = list(self._prefilling) + self._running
            if any(sequence.handle is handle for sequence in active):
                return QueueStatus("running", 0, 0.0)
            slots_free_at = [self._seconds_to_finish(sequence) for sequence in active]
            slots_free_at += [0.0] * (self._max_batch_size - len(slots_free_at))
            heapq.heapify(slots_free_at)
            for place, sequence in enumerate(self._waiting, start=1):
                starts_at = heapq.heappop(slots_free_at)
                if sequence.handle is handle:
                    return QueueStatus("waiting", place, starts_at)
                heapq.heappush(slots_free_at, starts_at + self._seconds_to_finish(sequence))
        return QueueStatus("finished", 0, 0.0)

    def close(self, timeout: float = 10.0) -> None:
        """Ends every request (Finished "cancelled") and stops the scheduler thread."""
        with self._lock:
            self._closing = True
            self._wakeup.notify()
        self._thread.join(timeout)

    # --- called by handles -------------------------------------------------------------------

    def _wake(self) -> None:
        with self._lock:
            self._wakeup.notify()

    def _stuck_reason(self, deadline_at: float) -> str | None:
        if not self._thread.is_alive():
            return "the model engine has stopped"
        if time.monotonic() > deadline_at + _STUCK_GRACE_SECONDS:
            return "the model engine did not answer in time"
        return None

    # --- submission --------------------------------------------------------------------------

    def _prepare(self, handle: RequestHandle, request: GenerationRequest, now: float) -> _Sequence:
        if isinstance(request.prompt, str):
            with self._loaded.encode_lock:
                prompt_ids = list(self._tokenizer(request.prompt)["input_ids"])
        else:
            prompt_ids = [int(token) for token in request.prompt]
        if not prompt_ids:
            raise ValueError("the prompt is empty")
        if not all(0 <= token < self._vocab_size for token in prompt_ids):
            raise ValueError("the prompt holds token ids outside the model's vocabulary")
        window = self._loaded.info.context_window
        if len(prompt_ids) >= window:
            raise ValueError(
                f"the prompt has {len(prompt_ids)} tokens; the model's window is {window}"
            )
        max_new_tokens = min(request.max_new_tokens, window - len(prompt_ids))
        if len(prompt_ids) + max_new_tokens > self._kv_budget_tokens:
            raise ValueError(
                f"the prompt and reply need {len(prompt_ids) + max_new_tokens} KV cache tokens; "
                f"the budget is {self._kv_budget_tokens}"
            )
        stop_token_ids = set(self._loaded.stop_token_ids)
        stop_strings = []
        for stop in request.stop:
            if stop in self._special_tokens:
                stop_token_ids.add(self._special_tokens[stop])
            else:
                stop_strings.append(stop)
        generator = None
        if request.temperature > 0:
            generator = torch.Generator()
            generator.manual_seed(
                request.seed if request.seed is not None else secrets.randbits(63)
            )
        return _Sequence(
            handle=handle,
            request=request,
            prompt_ids=prompt_ids,
            max_new_tokens=max_new_tokens,
            submitted_at=now,
            deadline_at=now + request.deadline_seconds,
            decoder=IncrementalDecoder(self._tokenizer),
            stop_strings=StopStringMatcher(stop_strings),
            stop_token_ids=frozenset(stop_token_ids),
            generator=generator,
        )

    # --- the scheduler thread ----------------------------------------------------------------

    def _serve(self, max_batch_size: int) -> None:
        try:
            self._runner = make_runner(
                self._loaded, max_batch_size, self._kv_budget_tokens, self._prefix_holders
            )
            self._vocab_size = self._runner.vocab_size
            self._max_batch_size = self._runner.max_batch_size
        except BaseException as error:
            self._runner_error = error
            return
        finally:
            self._runner_made.set()
        try:
            with torch.inference_mode():
                while True:
                    with self._lock:
                        if self._closing:
                            break
                        if not (self._waiting or self._prefilling or self._running):
                            self._wakeup.wait()
                            continue
                    try:
                        self._schedule_once()
                    except Exception as error:  # a bug here must not strand callers
                        logger.exception("model engine scheduler failed")
                        self._fail_all(f"internal engine error: {error}")
            self._fail_all("the engine was closed", reason="cancelled")
        finally:
            self._runner.close()

    def _schedule_once(self) -> None:
        now = time.monotonic()
        self._retire_waiting(now)
        self._admit()
        self._retire_active(now)
        if self._prefilling:
            self._prefill_chunk(self._prefilling[0])
        if self._running:
            self._decode_step()
        elif not self._prefilling:
            with self._lock:
                # Waiting requests that do not fit yet: sleep until something changes.
                if self._waiting and not self._closing:
                    self._wakeup.wait(timeout=0.05)

    def _retire_waiting(self, now: float) -> None:
        with self._lock:
            keep: deque[_Sequence] = deque()
            ended: list[tuple[_Sequence, FinishReason]] = []
            for sequence in self._waiting:
                if sequence.handle.cancelled:
                    ended.append((sequence, "cancelled"))
                elif now >= sequence.deadline_at:
                    ended.append((sequence, "timeout"))
                else:
                    keep.append(sequence)
            self._waiting = keep
        for sequence, reason in ended:
            self._finish(sequence, reason)

    def _admit(self) -> None:
        with self._lock:
            active = len(self._running) + len(self._prefilling)
            if not self._join_running_batch and active:
                return
            while self._waiting and active < self._max_batch_size:
                if not self._fits_kv_budget(self._waiting[0]):
                    break
                sequence = self._waiting.popleft()
                sequence.prefill_state = self._runner.begin()
                self._prefilling.append(sequence)
                active += 1

    def _fits_kv_budget(self, candidate: _Sequence) -> bool:
        """Whether the batch could hold the candidate until everyone finishes; held prefixes
        give way to a request that needs their room."""
        active = [*self._running, *self._prefilling, candidate]
        sizes = [(sequence.length, sequence.remaining_tokens) for sequence in active]
        if self._runner.kv_tokens(sizes) <= self._kv_budget_tokens:
            return True
        return self._runner.drop_held() and self._runner.kv_tokens(sizes) <= self._kv_budget_tokens

    def _retire_active(self, now: float) -> None:
        ending = [
            (sequence, reason)
            for sequence in [*self._prefilling, *self._running]
            if (reason := self._stop_reason(sequence, now)) is not None
        ]
        if not ending:
            return
        leaving = {id(sequence) for sequence, _ in ending}
        with self._lock:
            self._prefilling = deque(s for s in self._prefilling if id(s) not in leaving)
        for sequence, _ in ending:
            self._discard_prefill(sequence)
        self._drop_rows([row for row, s in enumerate(self._running) if id(s) in leaving])
        for sequence, reason in ending:
            self._finish(sequence, reason)

    @staticmethod
    def _stop_reason(sequence: _Sequence, now: float) -> FinishReason | None:
        if sequence.handle.cancelled:
            return "cancelled"
        if now >= sequence.deadline_at:
            return "timeout"
        return None

    def _prefill_chunk(self, sequence: _Sequence) -> None:
        assert sequence.prefill_state is not None
        if not sequence.reuse_checked:
            # At its first chunk, not at admission: prefills run one after another, so the
            # prompts of a class asking at once can reuse the first one's prefix.
            sequence.reuse_checked = True
            sequence.reused_tokens = self._runner.reuse_prefix(
                sequence.prefill_state, sequence.prompt_ids
            )
            sequence.prefilled_tokens = sequence.reused_tokens
        start = sequence.prefilled_tokens
        chunk = int(self._chunk_seconds() / self._prefill_seconds_per_token.value)
        end = min(
            len(sequence.prompt_ids),
            start + max(_MIN_PREFILL_CHUNK, min(chunk, _MAX_PREFILL_CHUNK)),
        )
        started = time.monotonic()
        try:
            logits = self._runner.prefill(
                sequence.prefill_state, sequence.prompt_ids[start:end], start
            )
        except Exception as error:
            logger.exception("prefill failed for request %s", sequence.handle.id)
            with self._lock:
                self._prefilling.popleft()
            self._discard_prefill(sequence)
            self._finish(sequence, "error", f"the model failed on the prompt: {error}")
            return
        elapsed = time.monotonic() - started
        # Weighed by its tokens: a short chunk (the tail of a prompt whose start was reused)
        # costs mostly a call's fixed time, and would make prefill look many times slower.
        self._prefill_seconds_per_token.add(
            elapsed / (end - start), weight=(end - start) / _MIN_PREFILL_CHUNK
        )
        sequence.prefilled_tokens = end
        if end < len(sequence.prompt_ids):
            return
        token = self._pick_tokens(logits, [sequence])[0]
        goes_on = self._accept_token(sequence, token, time.monotonic())
        if goes_on:
            self._runner.join(sequence.prefill_state, len(sequence.prompt_ids))
            sequence.prefill_state = None
        else:
            self._discard_prefill(sequence)
        with self._lock:
            self._prefilling.popleft()
            if goes_on:
                self._running.append(sequence)

    def _chunk_seconds(self) -> float:
        """Short chunks while others' streams wait on them; with nothing running, a chunk may
        take alone_prefill_chunk_seconds (bench/llm_prefill.py compares both)."""
        if self._running:
            return self._prefill_chunk_seconds
        return max(self._prefill_chunk_seconds, self._alone_prefill_chunk_seconds)

    def _decode_step(self) -> None:
        tokens = [sequence.next_token for sequence in self._running]
        started = time.monotonic()
        try:
            logits = self._runner.step(tokens)
        except Exception as error:
            logger.exception("decode step failed")
            with self._lock:
                failed, self._running = self._running, []
            self._runner.drop_all()
            for sequence in failed:
                self._finish(sequence, "error", f"the model failed while generating: {error}")
            return
        now = time.monotonic()
        self._step_seconds.add(now - started)
        self._measure_step(len(tokens), now - started)
        picked = self._pick_tokens(logits, self._running)
        self._drop_rows(
            [
                row
                for row, (sequence, token) in enumerate(zip(self._running, picked, strict=True))
                if not self._accept_token(sequence, token, now)
            ]
        )

    def _measure_step(self, batch: int, seconds: float) -> None:
        """Each step's time updates its batch size's average, and moves the other sizes' by the
        same factor: what changed is the machine's load (grading, other work), which slows a
        step of any size alike. A size not run for a while (8 answers at once, measured at
        start-up on a busy machine) would otherwise keep its old figure for good, and the
        admission estimates made of it (tutor/assist/answer_speed.py) with it."""
        with self._lock:
            average = self._step_seconds_by_batch.get(batch)
            if average is None:
                self._step_seconds_by_batch[batch] = _RunningAverage(seconds, measured=True)
                return
            before = average.value
            average.add(seconds)
            factor = average.value / before if before > 0 else 1.0
            for size, other in self._step_seconds_by_batch.items():
                if size != batch:
                    other.value *= factor

    def _drop_rows(self, rows: list[int]) -> None:
        if not rows:
            return
        leaving = set(rows)
        kept = [row for row in range(len(self._running)) if row not in leaving]
        self._runner.keep(kept)
        with self._lock:
            self._running = [self._running[row] for row in kept]

    def _pick_tokens(self, logits: torch.Tensor, sequences: list[_Sequence]) -> list[int]:
        picked = logits.argmax(dim=-1).tolist()
        for row, sequence in enumerate(sequences):
            row_logits = logits[row]
            if sequence.request.nonempty and not sequence.said_something:
                row_logits = _without_silent_endings(row_logits, sequence)
                picked[row] = row_logits.argmax().item()
            if sequence.generator is not None:
                picked[row] = _sample(row_logits, sequence.request, sequence.generator)
        return [int(token) for token in picked]

    def _accept_token(self, sequence: _Sequence, token: int, now: float) -> bool:
        """Streams the token's text; returns whether the sequence goes on."""
        if sequence.first_token_at is None:
            sequence.first_token_at = now
        if token in sequence.stop_token_ids:
            self._finish(sequence, "stop")
            return False
        sequence.completion_tokens += 1
        sequence.next_token = token
        text, reached_stop = sequence.stop_strings.push(sequence.decoder.push(token))
        if text:
            sequence.text_parts.append(text)
            sequence.said_something = sequence.said_something or not text.isspace()
            sequence.handle._send(TokenDelta(text))
        if reached_stop:
            self._finish(sequence, "stop")
            return False
        if sequence.completion_tokens >= sequence.max_new_tokens:
            self._finish(sequence, "length")
            return False
        return True

    def _finish(self, sequence: _Sequence, reason: FinishReason, error: str | None = None) -> None:
        if reason != "stop":
            rest = sequence.stop_strings.flush()
            if rest:
                sequence.text_parts.append(rest)
                sequence.handle._send(TokenDelta(rest))
        sequence.handle._send(self._finished(sequence, reason, error))

    @staticmethod
    def _finished(sequence: _Sequence, reason: FinishReason, error: str | None) -> Finished:
        now = time.monotonic()
        first = sequence.first_token_at
        return Finished(
            reason=reason,
            text="".join(sequence.text_parts),
            prompt_tokens=len(sequence.prompt_ids),
            completion_tokens=sequence.completion_tokens,
            first_token_seconds=None if first is None else first - sequence.submitted_at,
            total_seconds=now - sequence.submitted_at,
            error=error,
            reused_prompt_tokens=sequence.reused_tokens,
        )

    def _fail_all(self, message: str, reason: FinishReason = "error") -> None:
        with self._lock:
            everyone = [*self._waiting, *self._prefilling, *self._running]
            self._waiting.clear()
            self._prefilling.clear()
            self._running = []
        self._runner.drop_all()
        for sequence in everyone:
            self._discard_prefill(sequence)
        for sequence in everyone:
            if sequence.handle.finished is None:
                self._finish(sequence, reason, message if reason == "error" else None)

    def _discard_prefill(self, sequence: _Sequence) -> None:
        if sequence.prefill_state is not None:
            state, sequence.prefill_state = sequence.prefill_state, None
            self._runner.discard(state)

    def _seconds_to_finish(self, sequence: _Sequence) -> float:
        unprefilled = len(sequence.prompt_ids) - sequence.prefilled_tokens
        if sequence in self._running:
            unprefilled = 0
        return (
            unprefilled * self._prefill_seconds_per_token.value
            + sequence.remaining_tokens * self._step_seconds.value
        )


class _RunningAverage:
    """An exponential moving average; the first real sample replaces the initial guess."""

    def __init__(self, guess: float, *, measured: bool = False) -> None:
        self.value = guess
        self._measured = measured

    def add(self, sample: float, weight: float = 1.0) -> None:
        """A sample of `weight` counts as that many samples of weight 1 would."""
        if self._measured:
            kept = (1 - _SMOOTHING) ** weight
            self.value = kept * self.value + (1 - kept) * sample
        else:
            self.value, self._measured = sample, True


def _without_silent_endings(logits: torch.Tensor, sequence: _Sequence) -> torch.Tensor:
    """The logits with the likeliest tokens that would end the answer before it said anything
    masked out (a small model often opens a code block where a stop string cuts the answer)."""
    candidates = torch.topk(logits, min(_OPENING_CANDIDATES, logits.shape[-1])).indices.tolist()
    silent = [token for token in candidates if _ends_before_any_text(sequence, token)]
    if not silent or len(silent) == len(candidates):
        return logits
    masked = logits.clone()
    masked[silent] = -math.inf
    return masked


def _ends_before_any_text(sequence: _Sequence, token: int) -> bool:
    if token in sequence.stop_token_ids:
        return True
    so_far = "".join(sequence.text_parts) + sequence.stop_strings.pending
    opening = so_far + sequence.decoder.peek(token)
    for stop in sequence.stop_strings.stops:
        found = opening.find(stop)
        if found >= 0 and not opening[:found].strip():
            return True
    return False


def _sample(logits: torch.Tensor, request: GenerationRequest, generator: torch.Generator) -> int:
    probabilities = torch.softmax(logits / request.temperature, dim=-1)
    if request.top_p < 1:
        sorted_probabilities, order = probabilities.sort(descending=True)
        # Keep the smallest set of top tokens whose mass reaches top_p.
        outside = sorted_probabilities.cumsum(dim=-1) - sorted_probabilities > request.top_p
        sorted_probabilities[outside] = 0
        probabilities = torch.zeros_like(probabilities).scatter(0, order, sorted_probabilities)
    return int(torch.multinomial(probabilities, 1, generator=generator))
