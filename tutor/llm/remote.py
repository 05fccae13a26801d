"""A model server on the LAN instead of a model in the llm worker: the OpenAI-compatible HTTP API.

Ollama, llama.cpp's llama-server and vLLM all speak it (docs/deployment.md has their settings).
RemoteEngine serves the same RequestHandle as the local Engine, so the caller's path is the same:
the guard reads the stream, stop strings are cut here too (whatever the server does with them),
a cancel or a deadline closes the HTTP stream, the queue position and wait estimate come from
the requests this worker has in flight, and each request ends with one Finished and its stats.

Requests with chat messages go to /v1/chat/completions (the server applies its model's chat
template); requests with token ids, built with the model's own tokenizer installed locally (FIM
completion), go to /v1/completions as ids, so student text cannot become control tokens there;
without the tokenizer, completion prompts go there as text (remote_prompts.py).

At most `parallel` requests are sent at once (the server batches them); the others wait here in
order, so the student sees a queue position, and a cancel while waiting costs the server nothing.
"""

import itertools
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import httpx

from tutor.llm.requests import Finished, FinishReason, GenerationRequest, QueueStatus, TokenDelta
from tutor.llm.streaming import StopStringMatcher

if TYPE_CHECKING:
    from tutor.llm.engine import EngineStats, RequestHandle
    from tutor.llm.loading import ModelInfo

logger = logging.getLogger(__name__)

# Connecting to a LAN server takes milliseconds; one that does not answer in this long is down.
_CONNECT_SECONDS = 3.0
# The reaper's period: how late a cancel or a deadline can close a stream, at most.
_REAP_EVERY_SECONDS = 0.1
# A server that sends nothing (not even a keep-alive) for this long is stuck.
_SILENT_SECONDS = 60.0
# Before anything is measured, guess a slow server so the first wait estimates err long.
_INITIAL_SECONDS_PER_TOKEN = 0.1
_INITIAL_FIRST_TOKEN_SECONDS = 2.0
_SMOOTHING = 0.2


class RemoteError(Exception):
    """The model server is down, answered an error, or sent something that is not its API."""


@dataclass(frozen=True)
class ServerConfig:
    url: str  # e.g. http://gpu-box:8000/v1 (a URL without /v1 gets it)
    api_key: str = ""
    model: str = ""  # empty: the first model the server lists
    context_window: int = 4096
    parallel: int = 8
    # The model's FIM token spellings (prefix, suffix, middle), when its tokenizer is not here:
    # inline completion then sends a fill-in-the-middle prompt as text (remote_prompts.py).
    fim_tokens: tuple[str, str, str] | None = None

    @property
    def base_url(self) -> str:
        url = self.url.rstrip("/")
        return url if url.endswith("/v1") else f"{url}/v1"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}


@dataclass(frozen=True)
class ServerProbe:
    """What the server says it serves, and how fast it said it."""

    reachable: bool
    latency_ms: float | None
    models: tuple[str, ...]
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "reachable": self.reachable,
            "latency_ms": self.latency_ms,
            "models": list(self.models),
            "error": self.error,
        }


def probe_server(config: ServerConfig, timeout: float = _CONNECT_SECONDS) -> ServerProbe:
    """GET /v1/models: reachability, latency and the served model names; never raises."""
    started = time.monotonic()
    try:
        response = httpx.get(f"{config.base_url}/models", headers=config.headers(), timeout=timeout)
        latency = (time.monotonic() - started) * 1000
        if response.status_code != 200:
            return ServerProbe(True, latency, (), f"HTTP {response.status_code}")
        data = response.json().get("data", [])
        models = tuple(str(entry.get("id", "?")) for entry in data if isinstance(entry, dict))
        return ServerProbe(True, latency, models)
    except (httpx.HTTPError, ValueError, AttributeError) as error:
        return ServerProbe(False, None, (), _describe(error))


@dataclass(frozen=True)
class RemoteModel:
    """What generation needs of a model on a server; has the LoadedModel attributes prompts use
    when its tokenizer is installed locally (tokenizer, encode_lock, info)."""

    config: ServerConfig
    info: "ModelInfo"
    tokenizer: Any = None  # the model's own tokenizer, if installed locally
    encode_lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)


def remote_model_info(
    config: ServerConfig, probe: ServerProbe, tokenizer: Any = None
) -> "ModelInfo":
    """What the page shows; with the model's tokenizer here, its chat template and FIM tokens
    decide the prompts (prompts.py), as for a local model."""
    from tutor.llm.loading import FimTokens, ModelInfo, find_fim_tokens

    name = config.model or (probe.models[0] if probe.models else "?")
    if tokenizer is not None:
        fim_tokens = find_fim_tokens(tokenizer)
    else:
        fim_tokens = FimTokens(*config.fim_tokens) if config.fim_tokens else None
    return ModelInfo(
        architecture="remote",
        model_type=name,
        parameter_count=0,
        precision="server's",
        precision_reason="the model server decides",
        device="cpu",
        memory_bytes=0,
        context_window=config.context_window,
        kv_bytes_per_token=0,
        kv_budget_tokens=config.context_window,
        has_chat_template=tokenizer is None or bool(getattr(tokenizer, "chat_template", None)),
        fim_tokens=fim_tokens,
        load_seconds=0.0,
        source_path=Path(name),
        backend=cast(Any, "openai"),
        backend_reason=f"LABTUTOR_MODEL_BACKEND=openai at {config.base_url}",
    )


@dataclass(eq=False)
class _Call:
    handle: "RequestHandle"
    request: GenerationRequest
    submitted_at: float
    deadline_at: float
    response: httpx.Response | None = None
    started: bool = False
    # Set by the reaper when it closed the stream: the reason to report.
    closed_for: FinishReason | None = None


class RemoteEngine:
    """The Engine's interface (submit, queue_position, stats, close) over a model server."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self._client = httpx.Client(
            base_url=config.base_url,
            headers=config.headers(),
            timeout=httpx.Timeout(_SILENT_SECONDS, connect=_CONNECT_SECONDS),
            limits=httpx.Limits(max_connections=config.parallel + 2),
        )
        self._lock = threading.Lock()
        self._waiting: deque[_Call] = deque()
        self._running: list[_Call] = []
        self._ids = itertools.count(1)
        self._closing = False
        self.last_probe: ServerProbe | None = None
        self._first_token_seconds = _Average(_INITIAL_FIRST_TOKEN_SECONDS)
        self._seconds_per_token = _Average(_INITIAL_SECONDS_PER_TOKEN)
        self._reaper = threading.Thread(target=self._reap, name="llm-remote-reaper", daemon=True)
        self._reaper.start()

    def __enter__(self) -> "RemoteEngine":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- the Engine's interface --------------------------------------------------------------

    def submit(self, request: GenerationRequest) -> "RequestHandle":
        from tutor.llm.engine import RequestHandle

        now = time.monotonic()
        handle = RequestHandle(cast(Any, self), next(self._ids), now + request.deadline_seconds)
        call = _Call(handle, request, now, now + request.deadline_seconds)
        with self._lock:
            if self._closing:
                handle._send(Finished("error", "", 0, 0, None, 0.0, error="the engine is closed"))
                return handle
            self._waiting.append(call)
        self._start_ready()
        return handle

    def queue_position(self, handle: "RequestHandle") -> QueueStatus:
        with self._lock:
            if handle.finished is not None:
                return QueueStatus("finished", 0, 0.0)
            if any(call.handle is handle for call in self._running):
                return QueueStatus("running", 0, 0.0)
            # Each waiting request starts when the earliest running one (pessimistically, at
            # its max_new_tokens) ends.
            free_at = sorted(self._seconds_left(call) for call in self._running)
            free_at += [0.0] * (self.config.parallel - len(free_at))
            for place, call in enumerate(self._waiting, start=1):
                free_at.sort()
                starts_at = free_at.pop(0)
                if call.handle is handle:
                    return QueueStatus("waiting", place, starts_at)
                free_at.append(starts_at + self._seconds_for(call.request.max_new_tokens))
        return QueueStatus("finished", 0, 0.0)

    def stats(self) -> "EngineStats":
        from tutor.llm.engine import EngineStats

        with self._lock:
            return EngineStats(
                waiting=len(self._waiting),
                running=len(self._running),
                decode_steps_per_second=1.0 / self._seconds_per_token.value,
                prefill_tokens_per_second=0.0,
            )

    def probe(self) -> ServerProbe:
        """Asks the server now; remembered as last_probe."""
        self.last_probe = probe_server(self.config)
        return self.last_probe

    def close(self, timeout: float = 10.0) -> None:
        with self._lock:
            self._closing = True
            waiting, self._waiting = list(self._waiting), deque()
            running = list(self._running)
        for call in waiting:
            self._finish(call, "cancelled", "", 0, None)
        for call in running:
            call.handle.cancel()
        self._reaper.join(timeout)
        self._client.close()

    # --- called by handles -------------------------------------------------------------------

    def _wake(self) -> None:
        """A handle was cancelled: the reaper closes its stream within _REAP_EVERY_SECONDS."""

    def _stuck_reason(self, deadline_at: float) -> str | None:
        if time.monotonic() > deadline_at + _SILENT_SECONDS:
            return "the model server did not answer in time"
        return None

    # --- scheduling --------------------------------------------------------------------------

    def _start_ready(self) -> None:
        with self._lock:
            starting = []
            while self._waiting and len(self._running) < self.config.parallel:
                call = self._waiting.popleft()
                call.started = True
                self._running.append(call)
                starting.append(call)
        for call in starting:
            threading.Thread(
                target=self._run, args=(call,), name=f"llm-remote-{call.handle.id}", daemon=True
            ).start()

    def _reap(self) -> None:
        """Ends waiting requests that were cancelled or ran out of time, and closes the streams
        of running ones (their thread then reports why)."""
        while True:
            now = time.monotonic()
            ended: list[tuple[_Call, FinishReason]] = []
            with self._lock:
                if self._closing and not self._running:
                    return
                for call in list(self._waiting):
                    reason = _stop_reason(call, now)
                    if reason is not None:
                        self._waiting.remove(call)
                        ended.append((call, reason))
                closing = [
                    (call, reason)
                    for call in self._running
                    if call.closed_for is None and (reason := _stop_reason(call, now)) is not None
                ]
                for call, reason in closing:
                    call.closed_for = reason
            for call, reason in ended:
                self._finish(call, reason, "", 0, None)
            for call, _ in closing:
                if call.response is not None:
                    call.response.close()
            time.sleep(_REAP_EVERY_SECONDS)

    def _run(self, call: _Call) -> None:
        stops = StopStringMatcher(call.request.stop)
        parts: list[str] = []
        tokens = 0
        first_at: float | None = None
        reason: FinishReason = "error"
        error: str | None = None
        try:
            for text, server_reason, counted in self._stream(call):
                if text:
                    if first_at is None:
                        first_at = time.monotonic()
                    tokens += counted
                    shown, reached_stop = stops.push(text)
                    if shown:
                        parts.append(shown)
                        call.handle._send(TokenDelta(shown))
                    if reached_stop:
                        reason = "stop"
                        break
                if server_reason is not None:
                    reason = "length" if server_reason == "length" else "stop"
                    break
            else:
                raise RemoteError("the model server stopped in the middle of the answer")
        except (RemoteError, httpx.HTTPError, OSError) as failure:
            if call.closed_for is not None:
                reason, error = call.closed_for, None
            else:
                reason, error = "error", _describe(failure)
                logger.warning("model server request %s failed: %s", call.handle.id, error)
        finally:
            if call.response is not None:
                call.response.close()
        if reason != "stop":
            rest = stops.flush()
            if rest:
                parts.append(rest)
                call.handle._send(TokenDelta(rest))
        self._learn(call, first_at, tokens)
        with self._lock:
            if call in self._running:
                self._running.remove(call)
        self._finish(call, reason, "".join(parts), tokens, first_at, error)
        self._start_ready()

    def _stream(self, call: _Call) -> Iterator[tuple[str, str | None, int]]:
        """(text, the server's finish_reason or None, tokens in this chunk) per SSE event."""
        path, body = _request_body(self.config, call.request)
        request = self._client.build_request("POST", path, json=body)
        with self._lock:
            if call.closed_for is not None:
                raise RemoteError("closed before it was sent")
        response = self._client.send(request, stream=True)
        call.response = response
        if response.status_code != 200:
            detail = response.read()[:300].decode(errors="replace")
            raise RemoteError(f"the model server answered HTTP {response.status_code}: {detail}")
        for line in response.iter_lines():
            if not line.startswith("data:"):
                continue  # SSE comments and keep-alives
            data = line[5:].strip()
            if data == "[DONE]":
                return
            yield _chunk(data)

    def _finish(
        self,
        call: _Call,
        reason: FinishReason,
        text: str,
        tokens: int,
        first_at: float | None,
        error: str | None = None,
    ) -> None:
        if call.handle.finished is not None:
            return
        now = time.monotonic()
        call.handle._send(
            Finished(
                reason=reason,
                text=text,
                prompt_tokens=_prompt_tokens(call.request),
                completion_tokens=tokens,
                first_token_seconds=None if first_at is None else first_at - call.submitted_at,
                total_seconds=now - call.submitted_at,
                error=error,
            )
        )

    def _learn(self, call: _Call, first_at: float | None, tokens: int) -> None:
        if first_at is None:
            return
        self._first_token_seconds.add(first_at - call.submitted_at)
        if tokens > 1:
            self._seconds_per_token.add((time.monotonic() - first_at) / (tokens - 1))

    def _seconds_for(self, max_new_tokens: int) -> float:
        return self._first_token_seconds.value + max_new_tokens * self._seconds_per_token.value

    def _seconds_left(self, call: _Call) -> float:
        spent = time.monotonic() - call.submitted_at
        return max(self._seconds_for(call.request.max_new_tokens) - spent, 0.0)


def _stop_reason(call: _Call, now: float) -> FinishReason | None:
    if call.handle.cancelled:
        return "cancelled"
    if now >= call.deadline_at:
        return "timeout"
    return None


def _request_body(config: ServerConfig, request: GenerationRequest) -> tuple[str, dict[str, Any]]:
    body: dict[str, Any] = {
        "max_tokens": request.max_new_tokens,
        "temperature": request.temperature,
        "top_p": request.top_p,
        "stream": True,
    }
    if config.model:
        body["model"] = config.model
    if request.stop:
        # At most 4 for OpenAI's own API; ours cut the rest locally anyway.
        body["stop"] = list(request.stop[:4])
    if request.seed is not None:
        body["seed"] = request.seed
    if request.messages:
        body["messages"] = [{"role": role, "content": text} for role, text in request.messages]
        return "/chat/completions", body
    body["prompt"] = request.prompt if isinstance(request.prompt, str) else list(request.prompt)
    return "/completions", body


def _chunk(data: str) -> tuple[str, str | None, int]:
    try:
        event = json.loads(data)
        if "error" in event:
            raise RemoteError(f"the model server reported an error: {str(event['error'])[:300]}")
        choice = event["choices"][0]
        if "delta" in choice:
            text = choice["delta"].get("content") or ""
        else:
            text = choice.get("text") or ""
        reason = choice.get("finish_reason")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
        raise RemoteError(
            f"the model server sent something that is not an OpenAI stream: {data[:120]!r}"
        ) from error
    if not isinstance(text, str):
        raise RemoteError(f"the model server sent non-text content: {data[:120]!r}")
    # Servers send one token per chunk when streaming (llama-server, vLLM, Ollama).
    return text, (str(reason) if reason else None), 1 if text else 0


def _prompt_tokens(request: GenerationRequest) -> int:
    if request.messages or isinstance(request.prompt, str):
        return 0  # counted by the server, which a stream does not report everywhere
    return len(request.prompt)


def _describe(error: BaseException) -> str:
    if isinstance(error, httpx.ConnectError):
        return f"the model server cannot be reached ({error})"
    if isinstance(error, httpx.TimeoutException):
        return "the model server did not answer in time"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"the model server broke off the answer ({error})"
    return str(error) or type(error).__name__


class _Average:
    def __init__(self, guess: float) -> None:
        self.value = guess
        self._measured = False

    def add(self, sample: float) -> None:
        if self._measured:
            self.value = (1 - _SMOOTHING) * self.value + _SMOOTHING * sample
        else:
            self.value, self._measured = sample, True
