"""The remote backend against a real OpenAI-compatible server (llama-cpp-python's) and its
failures: a server that is down, killed mid-answer, or sends garbage."""

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.model_server import model_server, smollm2_path
from tutor.llm.engine import RequestHandle
from tutor.llm.remote import RemoteEngine, ServerConfig, probe_server
from tutor.llm.requests import Finished, GenerationRequest, TokenDelta

LONG_ANSWER = (
    ("system", "You are a helpful assistant."),
    ("user", "Write the numbers from 1 to 300, one per line, and nothing else."),
)


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with model_server(smollm2_path(tmp_path_factory.mktemp("models"))) as (url, _):
        yield url


def chat(max_new_tokens: int = 400, **options: object) -> GenerationRequest:
    return GenerationRequest(
        prompt="",
        messages=LONG_ANSWER,
        max_new_tokens=max_new_tokens,
        **options,  # type: ignore[arg-type]
    )


def first_delta(handle: RequestHandle) -> TokenDelta:
    for event in handle.events():
        assert not isinstance(event, Finished), event
        if isinstance(event, TokenDelta):
            return event
    raise AssertionError("no event")


def test_the_server_says_what_it_serves_and_how_fast(server_url: str) -> None:
    probe = probe_server(ServerConfig(server_url))
    assert probe.reachable and probe.latency_ms is not None
    assert probe.models  # llama-cpp-python names the model by its file path
    assert not probe_server(ServerConfig("http://127.0.0.1:9/v1")).reachable


def test_a_reply_streams_in_many_deltas_with_its_stats(server_url: str) -> None:
    with RemoteEngine(ServerConfig(server_url)) as engine:
        handle = engine.submit(chat(max_new_tokens=24))
        events = list(handle.events())
    deltas = [event for event in events if isinstance(event, TokenDelta)]
    finished = events[-1]
    assert isinstance(finished, Finished)
    assert finished.reason == "length", finished
    assert len(deltas) >= 2
    assert "".join(delta.text for delta in deltas) == finished.text
    assert finished.completion_tokens == 24
    assert finished.first_token_seconds is not None
    assert finished.total_seconds >= finished.first_token_seconds


def test_stop_strings_are_cut_here_whatever_the_server_does(server_url: str) -> None:
    with RemoteEngine(ServerConfig(server_url)) as engine:
        finished = engine.submit(chat(max_new_tokens=60, stop=("5",))).result()
    assert finished.reason == "stop"
    assert "5" not in finished.text


def test_cancel_closes_the_stream_within_a_second(server_url: str) -> None:
    with RemoteEngine(ServerConfig(server_url)) as engine:
        handle = engine.submit(chat())
        first_delta(handle)
        cancelled_at = time.monotonic()
        handle.cancel()
        finished = handle.result()
        stopped_after = time.monotonic() - cancelled_at
        assert finished.reason == "cancelled"
        assert stopped_after < 1.0
        assert engine.stats().running == 0
        assert finished.completion_tokens < 400


def test_a_deadline_ends_a_request_with_timeout(server_url: str) -> None:
    with RemoteEngine(ServerConfig(server_url)) as engine:
        finished = engine.submit(chat(max_new_tokens=1000, deadline_seconds=1.0)).result()
    assert finished.reason == "timeout"
    assert finished.total_seconds < 2.0


def test_requests_past_the_parallel_limit_wait_in_line_with_an_estimate(server_url: str) -> None:
    with RemoteEngine(ServerConfig(server_url, parallel=1)) as engine:
        running = engine.submit(chat(max_new_tokens=40))
        waiting = engine.submit(chat(max_new_tokens=40))
        status = engine.queue_position(waiting)
        assert status.state == "waiting" and status.position == 1
        assert status.estimated_wait_seconds > 0
        assert running.result().reason == "length"
        assert waiting.result().reason == "length"


def test_a_server_killed_mid_answer_ends_the_request_with_an_error(tmp_path: Path) -> None:
    with (
        model_server(smollm2_path(tmp_path)) as (url, process),
        RemoteEngine(ServerConfig(url)) as engine,
    ):
        handle = engine.submit(chat())
        first_delta(handle)
        process.kill()
        finished = handle.result()
    assert finished.reason == "error"
    assert finished.error and "model server" in finished.error


def test_a_server_that_is_down_fails_the_request_at_once() -> None:
    with RemoteEngine(ServerConfig("http://127.0.0.1:9/v1")) as engine:
        finished = engine.submit(chat()).result()
    assert finished.reason == "error"
    assert finished.error and "cannot be reached" in finished.error
    assert finished.total_seconds < 5


class _Garbage(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        self.wfile.write(b"data: <html>not json</html>\n\n")

    def log_message(self, *args: object) -> None:
        pass


def test_a_server_that_sends_garbage_fails_the_request_clearly() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Garbage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with RemoteEngine(ServerConfig(f"http://127.0.0.1:{server.server_port}")) as engine:
            finished = engine.submit(chat()).result()
    finally:
        server.shutdown()
    assert finished.reason == "error"
    assert finished.error and "not an OpenAI stream" in finished.error
