"""The guard's sandbox runs from a multi-threaded process, through one long-lived helper.

The sandbox sets rlimits between fork and exec, which is only safe in a single-threaded process;
the llm worker has threads. tutor.sandbox.isolated starts a fresh Python per run for that, and
that start (interpreter, imports: Celery's app comes with the `tutor` package) cost more than
the run itself: 0.25 to 1.4 s per run against 0.05 to 0.1 s for the run. Here one helper,
`python -m tutor.guard.sandbox_process`, is started once per worker process and serves runs one
at a time over a pipe (a JSON line each way). It is single-threaded; it ends when its stdin
closes (the worker ended) and is started again after it failed or a run outlived its deadline.
"""

import atexit
import json
import logging
import os
import selectors
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace
from typing import IO

from tutor.guard.run_outcome import RunOutcome
from tutor.sandbox import Limits, SandboxConfig, SandboxError, SourceFile, run_tests

logger = logging.getLogger(__name__)

# On top of a run's own time limit and its slot wait: the helper's start when it is not up yet
# (a second or two on a busy machine).
EXTRA_SECONDS = 10.0
# How long a run waits for a free sandbox slot (grading runs use them too) before it gives up:
# the guard's runs must not hold a reply up for long (SandboxConfig waits 120 s by default).
SLOT_WAIT_SECONDS = 0.5
MAX_REPLY_BYTES = 64 * 1024


class SandboxProcess:
    """tests_pass(): one run in the helper process; thread-safe (runs queue on a lock)."""

    def __init__(
        self,
        argv: Sequence[str] | None = None,
        env: Mapping[str, str] | None = None,
        extra_seconds: float = EXTRA_SECONDS,
    ) -> None:
        self._argv = list(argv or [sys.executable, "-m", "tutor.guard.sandbox_process"])
        # The sandbox's settings come from the environment (SandboxConfig.from_env).
        self._env = dict(env) if env is not None else None
        self._extra_seconds = extra_seconds
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._buffer = b""

    def tests_pass(
        self,
        language: str,
        student_files: Sequence[SourceFile],
        test_files: Sequence[SourceFile],
        limits: Limits,
        slot_wait_seconds: float = SLOT_WAIT_SECONDS,
    ) -> RunOutcome:
        """The run's status and each test's outcome; SandboxError when it couldn't run
        (SandboxBusy's message when no slot freed up within slot_wait_seconds)."""
        job = {
            "language": language,
            "student_files": [asdict(file) for file in student_files],
            "test_files": [asdict(file) for file in test_files],
            "limits": asdict(limits),
            "slot_wait_seconds": slot_wait_seconds,
        }
        timeout = limits.time_seconds + slot_wait_seconds + self._extra_seconds
        with self._lock:
            process = self._started()
            try:
                assert process.stdin is not None
                process.stdin.write(json.dumps(job).encode() + b"\n")
                process.stdin.flush()
                line = self._read_line(process, timeout)
            except (OSError, SandboxError):
                self._stop()
                raise
        try:
            reply = json.loads(line)
            if isinstance(reply, dict) and "error" in reply:
                raise SandboxError(str(reply["error"])[:500])
            return RunOutcome.from_json(reply)
        except ValueError as error:
            raise SandboxError("the guard's sandbox process answered nonsense") from error

    def start(self) -> None:
        """Start the helper now (it takes a moment to import), so that the first run of a
        reply does not wait for it."""
        with self._lock:
            self._started()

    def warm_up(self) -> None:
        """Start the helper and wait until it has served one trivial run (for benchmarks:
        a first run otherwise includes the helper's start)."""
        probe = [SourceFile("probe.py", "VALUE = 1\n")]
        tests = [SourceFile("test_probe.py", "from probe import VALUE\n\ndef test():\n    pass\n")]
        self.tests_pass("python", probe, tests, Limits(time_seconds=2))

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            self._buffer = b""
            self._process = subprocess.Popen(
                self._argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                close_fds=True,
                env=self._env,
            )
        return self._process

    def _read_line(self, process: subprocess.Popen[bytes], timeout: float) -> bytes:
        assert process.stdout is not None
        deadline = time.monotonic() + timeout
        fd = process.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    raise SandboxError("the guard's sandbox process did not answer in time")
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise SandboxError("the guard's sandbox process ended")
                self._buffer += chunk
                if len(self._buffer) > MAX_REPLY_BYTES:
                    raise SandboxError("the guard's sandbox process answered too much")
        line, _newline, self._buffer = self._buffer.partition(b"\n")
        return line

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()


_shared: SandboxProcess | None = None
_shared_lock = threading.Lock()


def shared_process() -> SandboxProcess:
    """This worker process's helper, started on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = SandboxProcess()
            atexit.register(_shared.close)
        return _shared


def serve(requests: IO[str], replies: IO[str]) -> None:
    """The helper's loop: one JSON job per line in, one JSON answer per line out."""
    for line in requests:
        try:
            job = json.loads(line)
            config = replace(
                SandboxConfig.from_env(),
                slot_wait_seconds=float(job.get("slot_wait_seconds", SLOT_WAIT_SECONDS)),
            )
            result = run_tests(
                job["language"],
                [SourceFile(**file) for file in job["student_files"]],
                [SourceFile(**file) for file in job["test_files"]],
                Limits(**job["limits"]),
                config=config,
            )
            answer = RunOutcome.of(result).to_json()
        except Exception as error:  # the helper reports it and serves on
            answer = {"error": f"{type(error).__name__}: {error}"}
        replies.write(json.dumps(answer) + "\n")
        replies.flush()


if __name__ == "__main__":
    serve(sys.stdin, sys.stdout)
