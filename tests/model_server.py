"""A real OpenAI-compatible model server for tests: llama-cpp-python's own, on the embedded GGUF.

Needs the `bench` extra (llama-cpp-python) and the server's packages in the `dev` extra; the
tests that use it are skipped without them.
"""

import importlib.util
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tutor.llm.embedded import EmbeddedModelMissing, embedded_model_path


def server_available() -> bool:
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("llama_cpp", "fastapi", "uvicorn", "sse_starlette", "starlette_context")
    )


def smollm2_path(tmp_path: Path) -> Path:
    try:
        return embedded_model_path(tmp_path, "smollm2-135m-instruct")
    except EmbeddedModelMissing as error:
        pytest.skip(str(error))


def wait_until_serving(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    """Returns once the server at url lists its models; RuntimeError if it exits or is late."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the model server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("the model server did not start in time")
        time.sleep(0.25)


@contextmanager
def model_server(
    model: Path, *, startup_seconds: float = 120
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """(base URL, process) of a server on a free port; stopped (if still running) at the end."""
    if not server_available():
        pytest.skip("llama-cpp-python's server is not installed (pip install -e .[dev,bench])")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.model_server_main",
            "--model",
            str(model),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "2048",
            "--n_threads",
            "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_serving(url, process, startup_seconds)
        yield url, process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
