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
def private_stack(llm_worker: bool = False, **overrides: str) -> Iterator[Stack]:
    """Daphne (and an llm worker) over a fresh SQLite database with the add-two exercise and
    one student; this process's environment is pointed at the same database and Redis."""
    var = Path(tempfile.mkdtemp(prefix="labtutor-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tutor.settings",
        "LABTUTOR_VAR_DIR": str(var),
        "LABTUTOR_STATIC_ROOT": str(var / "static"),
        "LABTUTOR_REDIS_URL": "redis://127.0.0.1:6379/12",
        "LABTUTOR_CHANNEL_PREFIX": "labtutor-bench",
        "LABTUTOR_ALLOWED_HOSTS": "127.0.0.1",
        **overrides,
    }
    os.environ.update(env)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        _prepare(env)
        port = _free_port()
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
                    "8",
                    "-n",
                    "bench-llm@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel",
                    "WARNING",
                )
            )
        processes.append(
            _start(
                env, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "tutor.asgi:application"
            )
        )
        _wait_for_port(port)
        yield Stack(f"http://127.0.0.1:{port}", env, processes)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
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


def _prepare(env: dict[str, str]) -> None:
    manage = [sys.executable, "manage.py"]
    for args in (
        ["migrate", "-v", "0"],
        ["collectstatic", "--noinput", "-v", "0"],
        ["import_exercises", str(FIXTURE), "-v", "0"],
        [
            "shell",
            "-c",
            "from django.contrib.auth.models import User; "
            f"User.objects.create_user({USERNAME!r}, password={PASSWORD!r})",
        ],
    ):
        subprocess.run([*manage, *args], cwd=ROOT, env=env, check=True)


def _start(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env)


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
