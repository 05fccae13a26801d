"""A private LabTutor stack on loopback for benchmarks: temporary database, own Redis db."""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "native"
USERNAME, PASSWORD = "bench", "bench-password-1"


@dataclass(frozen=True)
class Stack:
    base_url: str
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]]


@contextmanager
def private_stack(
    llm_worker: bool = False,
    *,
    llm_concurrency: int = 8,
    runner_concurrency: int = 0,
    exercises: Path = FIXTURE,
    database_url: str = "",
    log_dir: Path | None = None,
    **overrides: str,
) -> Iterator[Stack]:
    """Daphne (and an llm worker) over a fresh SQLite database with the add-two exercise and
    one student; this process's environment is pointed at the same database and Redis.

    llm_concurrency sets the llm worker's threads; runner_concurrency > 0 adds a runner worker
    with that many processes (as scripts/run.sh starts it); exercises imports another folder
    (exercises/curriculum, say); database_url points the stack at an empty database of the
    caller's instead of the temporary SQLite file; log_dir sends each process's output to
    <log_dir>/<name>.log instead of this terminal.
    """
    var = Path(tempfile.mkdtemp(prefix="labtutor-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tutor.settings",
        "LABTUTOR_VAR_DIR": str(var),
        "LABTUTOR_STATIC_ROOT": str(var / "static"),
        "LABTUTOR_REDIS_URL": "redis://127.0.0.1:6379/12",
        "LABTUTOR_CHANNEL_PREFIX": "labtutor-bench",
        "LABTUTOR_ALLOWED_HOSTS": "127.0.0.1",
        **({"LABTUTOR_DATABASE_URL": database_url} if database_url else {}),
        **overrides,
    }
    os.environ.update(env)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        _prepare(env, exercises)
        port = _free_port()
        if runner_concurrency > 0:
            processes.append(
                _start(
                    env,
                    "-m",
                    "celery",
                    "-A",
                    "tutor",
                    "worker",
                    "-Q",
                    "runner",
                    "--concurrency",
                    str(runner_concurrency),
                    "-n",
                    "bench-runner@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel",
                    "WARNING",
                    log=log_dir and log_dir / "runner.log",
                )
            )
        if llm_worker:
            processes.append(
                _start(
                    env,
                    "-m",
                    "celery",
                    "-A",
                    "tutor",
                    "worker",
                    "-Q",
                    "llm",
                    "--pool",
                    "threads",
                    "--concurrency",
                    str(llm_concurrency),
                    "-n",
                    "bench-llm@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel",
                    "WARNING",
                    log=log_dir and log_dir / "llm.log",
                )
            )
        processes.append(
            _start(
                {**env, "LABTUTOR_DB_POOL": "10"},  # as scripts/run.sh starts it
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "tutor.asgi:application",
                log=log_dir and log_dir / "daphne.log",
            )
        )
        _wait_for_port(port)
        yield Stack(f"http://127.0.0.1:{port}", env, processes)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                # A worker finishing a long task (an llm worker writing answers ahead) is not
                # waited for: the bench is over.
                process.kill()
                process.wait()
        shutil.rmtree(var, ignore_errors=True)


def login_cookie(base_url: str) -> str:
    """Logs the benchmark student in over HTTP; returns the Cookie header value."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base_url}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    form = {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    request = urllib.request.Request(
        f"{base_url}/login/",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Referer": base_url},
    )
    opener.open(request)
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def _prepare(env: dict[str, str], exercises: Path) -> None:
    manage = [sys.executable, "manage.py"]
    for args in (
        ["migrate", "-v", "0"],
        ["collectstatic", "--noinput", "-v", "0"],
        ["import_exercises", str(exercises), "-v", "0"],
        [
            "shell",
            "-c",
            "from django.contrib.auth.models import User; "
            f"User.objects.create_user({USERNAME!r}, password={PASSWORD!r})",
        ],
    ):
        subprocess.run([*manage, *args], cwd=ROOT, env=env, check=True)


def _start(env: dict[str, str], *args: str, log: Path | None = None) -> subprocess.Popen[bytes]:
    if log is None:
        return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env)
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )


def wait_for_worker_model(seconds: float, since: float) -> dict[str, object]:
    """Waits until the stack's llm worker has loaded its model; returns the status it published.

    since: a time.time() from before the worker started; older statuses (left in Redis by an
    earlier run) do not count. Sets Django up in this process (the stack has pointed the
    environment at its settings).
    """
    import django

    django.setup()
    from tutor.assist.model_status import read_status

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = read_status()
        if status is not None and float(status.get("published_at", 0)) >= since:
            return status
        time.sleep(0.5)
    raise TimeoutError("the llm worker did not load its model in time")


@contextmanager
def throwaway_postgres(server_url: str, name: str) -> Iterator[str]:
    """Creates the PostgreSQL database `name` on the server of server_url (a URL of any database
    there, for the connection), yields its URL and drops it afterwards, even if it is in use."""
    import psycopg

    parts = urllib.parse.urlsplit(server_url)
    url = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int) -> None:
    for _ in range(300):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"daphne did not listen on port {port}")
