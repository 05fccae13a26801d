"""A real stack whose parts a fault test kills and restarts, and a student's HTTP + socket client.

daphne and the Celery workers run as separate processes (tests/real_stack.py) over the test
database, with a Redis of their own (PrivateRedis) that a test may stop and start again. The
student is a real client: an HTTP login, then the `websockets` package on the workspace socket,
reconnecting with the browser's backoff (frontend/src/socket.js).
"""

import asyncio
import contextlib
import json
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.cookiejar import CookieJar
from pathlib import Path
from types import TracebackType
from typing import Any

import psutil
import pytest
import redis
import websockets

from tests.real_stack import free_port, stack_environment, start_daphne, start_worker, stop

# Recovery tuned for a test that must finish in seconds; the defaults are minutes.
FAST_RECOVERY = {
    "LABTUTOR_WATCHDOG_SECONDS": "1",
    "LABTUTOR_REQUEUE_SECONDS": "5",
    "LABTUTOR_NO_WORKER_SECONDS": "8",
}
# The browser's reconnect backoff (frontend/src/socket.js).
FIRST_RETRY_SECONDS = 0.5
LONGEST_RETRY_SECONDS = 10.0


def recovered(what: str, seconds: float) -> None:
    """The line the fault tests exist to print (run pytest with -s to see it)."""
    print(f"\n[fault] {what}: recovered in {seconds:.1f} s", flush=True)


class PrivateRedis:
    """A redis-server of this test's own on a free port, without persistence like a lab's:
    stopping it loses every queue, group and key, as a restart of the real one does."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            pytest.fail("redis-server is not installed; scripts/test.sh installs it.")
        self.process = subprocess.Popen(
            [
                server,
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
                *("--loglevel", "warning"),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def kill_tree(process: subprocess.Popen[bytes]) -> None:
    """kill -9 a process and every process it started (a Celery worker's pool children)."""
    try:
        parent = psutil.Process(process.pid)
        family = [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        family = []
    for member in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.kill()
    process.wait(timeout=10)


class Stack:
    """daphne, a runner worker and (given a model) an llm worker, each killable by name."""

    def __init__(self, redis_url: str, model: Path | None = None, **env: str) -> None:
        self.env = stack_environment(LABTUTOR_REDIS_URL=redis_url, **FAST_RECOVERY, **env)
        self.model = model
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def __enter__(self) -> "Stack":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        stop(*self.processes.values())

    def start(self, name: str) -> None:
        if name == "daphne":
            self.processes[name] = start_daphne(self.port, self.env)
        elif name == "runner":
            # Prefork like a lab server: the grading happens in a child of the worker process.
            self.processes[name] = start_worker(
                "runner", self.env, "--pool", "prefork", "--concurrency", "1"
            )
        elif name == "llm":
            assert self.model is not None
            llm_env = {
                **self.env,
                "LABTUTOR_MODEL": str(self.model),
                "LABTUTOR_MODEL_PRECISION": "fp32",
                "LABTUTOR_MODEL_DEVICE": "cpu",
                "LABTUTOR_LLM_MAX_NEW_TOKENS": "120",
                "LABTUTOR_GUARD": "0",  # random weights write garbage the guard holds back
            }
            self.processes[name] = start_worker(
                "llm", llm_env, "--pool", "threads", "--concurrency", "2"
            )
        else:
            raise ValueError(name)

    def kill(self, name: str) -> None:
        kill_tree(self.processes.pop(name))

    def is_running(self, name: str) -> bool:
        return name in self.processes and self.processes[name].poll() is None


# ---- The student's client ----


def login_cookie(base_url: str, username: str, password: str) -> str:
    """Logs in over HTTP like the login form; returns the Cookie header value."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base_url}/login/", timeout=20).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    form = {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    request = urllib.request.Request(
        f"{base_url}/login/",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Referer": base_url},
    )
    opener.open(request, timeout=20)
    cookies = {cookie.name: cookie.value for cookie in jar}
    assert "sessionid" in cookies, "the login did not succeed"
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def fetch(
    base_url: str,
    path: str,
    cookie: str,
    data: dict[str, str] | None = None,
    accept: str = "text/html",
) -> tuple[int, str, float]:
    """Status, body and seconds taken of one request: a page load, or with data a form post
    (a beacon sends accept="*/*")."""
    if data is not None:
        csrf = re.search(r"csrftoken=([^;]+)", cookie)
        data = {**data, "csrfmiddlewaretoken": csrf.group(1) if csrf else ""}
    request = urllib.request.Request(
        base_url + path,
        data=None if data is None else urllib.parse.urlencode(data).encode(),
        headers={"Cookie": cookie, "Accept": accept, "Referer": base_url},
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), time.monotonic() - started


def socket_url(base_url: str, slug: str = "add-two") -> str:
    return base_url.replace("http://", "ws://") + f"/ws/workspace/{slug}/"


async def open_socket(
    base_url: str, cookie: str, timeout: float = 10
) -> tuple[websockets.ClientConnection, dict[str, Any]]:
    """A workspace socket and its hello (ConnectionClosed / TimeoutError if there is none)."""
    socket = await websockets.connect(
        socket_url(base_url),
        additional_headers={"Cookie": cookie, "Origin": base_url},
        open_timeout=timeout,
    )
    try:
        hello = json.loads(await asyncio.wait_for(socket.recv(), timeout))
    except BaseException:
        await socket.close()
        raise
    assert hello["type"] == "hello", hello
    return socket, hello


async def reconnect(
    base_url: str, cookie: str, seconds: float
) -> tuple[websockets.ClientConnection, dict[str, Any], int]:
    """Connects as the page does after a drop: retries with backoff until a hello arrives.

    Returns the socket, its hello and the number of attempts that failed first.
    """
    deadline = time.monotonic() + seconds
    wait, failures = FIRST_RETRY_SECONDS, 0
    while True:
        try:
            socket, hello = await open_socket(base_url, cookie, timeout=5)
            return socket, hello, failures
        except (OSError, TimeoutError, websockets.WebSocketException):
            failures += 1
            if time.monotonic() + wait > deadline:
                raise
            await asyncio.sleep(wait)
            wait = min(wait * 2, LONGEST_RETRY_SECONDS)


async def next_message(
    socket: websockets.ClientConnection,
    accept: Callable[[dict[str, Any]], bool],
    timeout: float,
    seen: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The next message `accept` takes; the ones before it are appended to `seen`."""
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await socket.recv())
            if seen is not None:
                seen.append(message)
            if accept(message):
                return message


def submission_in(*statuses: str) -> Callable[[dict[str, Any]], bool]:
    return lambda m: m["type"] == "submission" and m["submission"]["status"] in statuses


def request_in(*statuses: str) -> Callable[[dict[str, Any]], bool]:
    return lambda m: m["type"] == "request" and m["request"]["status"] in statuses


async def wait_for_submission(
    base_url: str,
    cookie: str,
    socket: websockets.ClientConnection,
    submission_id: int,
    seconds: float,
) -> tuple[dict[str, Any], websockets.ClientConnection]:
    """The submission once graded, followed as the page does: a dropped socket is reopened, and
    the new socket's hello says how the latest submission stands."""
    deadline = time.monotonic() + seconds

    def graded(submission: dict[str, Any] | None) -> bool:
        return (
            submission is not None
            and submission["id"] == submission_id
            and submission["status"] in {"done", "error"}
        )

    while True:
        try:
            message = await next_message(
                socket,
                lambda m: m["type"] == "submission" and graded(m["submission"]),
                timeout=max(deadline - time.monotonic(), 0.1),
            )
            return message["submission"], socket
        except websockets.ConnectionClosed:
            socket, hello, _ = await reconnect(base_url, cookie, deadline - time.monotonic())
            if graded(hello["latest_submission"]):
                return hello["latest_submission"], socket
