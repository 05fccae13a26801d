"""The real stack for end-to-end tests: daphne and Celery workers as separate processes.

They share the test database (a file for SQLite) and the test Redis database with the test
process, so a browser talks to a real server while the test inspects the rows.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """The test database (pytest-django's test_<name> once it exists) as a URL for a process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user, password = quote(db["USER"] or "", safe=""), quote(db["PASSWORD"] or "", safe="")
    login = f"{user}:{password}@" if password else f"{user}@" if user else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{login}{db['HOST']}{port}/{quote(db['NAME'], safe='')}"


def stack_environment(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "LABTUTOR_DATABASE_URL": database_url(),
        "LABTUTOR_REDIS_URL": settings.REDIS_URL,
        "LABTUTOR_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


def start_worker(queue: str, env: dict[str, str], *extra_args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tutor",
            "worker",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"test-{queue}-{os.getpid()}@%h",
            "--loglevel",
            os.environ.get("LABTUTOR_TEST_WORKER_LOGLEVEL", "WARNING"),
            *extra_args,
        ],
        cwd=ROOT,
        env=env,
    )


def start_daphne(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "tutor.asgi:application",
        ],
        cwd=ROOT,
        # As scripts/run.sh starts it: on PostgreSQL, a pool of connections (tutor/settings.py).
        env={**env, "LABTUTOR_DB_POOL": "4"},
    )
    wait_for_port(port)
    return process


def stop(*processes: subprocess.Popen[bytes]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_site(*, model: Path | None = None) -> Iterator[str]:
    """Daphne and a runner worker on a free port; with a model, an llm worker too.

    The llm worker runs with the guard off: the test models have random weights and write
    garbage that the guard would rightly hold back as possible code.
    """
    env = stack_environment()
    port = free_port()
    processes = [start_worker("runner", env, "--pool", "solo")]
    if model is not None:
        llm_env = stack_environment(
            LABTUTOR_MODEL=str(model),
            LABTUTOR_MODEL_PRECISION="fp32",
            LABTUTOR_MODEL_DEVICE="cpu",
            LABTUTOR_LLM_MAX_NEW_TOKENS="48",
            LABTUTOR_GUARD="0",
        )
        processes.append(start_worker("llm", llm_env, "--pool", "threads", "--concurrency", "4"))
    try:
        processes.append(start_daphne(port, env))
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(*processes)
