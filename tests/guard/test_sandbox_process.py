"""The guard's long-lived sandbox helper: answers, survives its own failures, stays bounded."""

import contextlib
import os
import sys
import time
from collections.abc import Iterator

import pytest

from tutor.guard.sandbox_process import SandboxProcess
from tutor.sandbox import Limits, SandboxConfig, SandboxError, SourceFile
from tutor.sandbox.slots import acquire_slot

TESTS = [
    SourceFile("test_adder.py", "from adder import add\n\ndef test():\n    assert add(2, 3) == 5\n")
]
RIGHT = [SourceFile("adder.py", "def add(a, b):\n    return a + b\n")]
WRONG = [SourceFile("adder.py", "def add(a, b):\n    return a - b\n")]
LIMITS = Limits(time_seconds=3)


@pytest.fixture
def helper(guard_sandbox_config: SandboxConfig) -> Iterator[SandboxProcess]:
    env = os.environ | {
        "LABTUTOR_SANDBOX_SLOTS": str(guard_sandbox_config.slots),
        "LABTUTOR_SANDBOX_LOCK_DIR": guard_sandbox_config.lock_dir,
        "LABTUTOR_SANDBOX_FIRST_UID": str(guard_sandbox_config.first_uid),
    }
    process = SandboxProcess(env=env)
    yield process
    process.close()


def test_the_helper_runs_the_tests_and_serves_run_after_run(helper: SandboxProcess) -> None:
    outcome = helper.tests_pass("python", RIGHT, TESTS, LIMITS)
    assert (outcome.passed, outcome.status) == (True, "completed")
    assert not helper.tests_pass("python", WRONG, TESTS, LIMITS).passed
    assert helper.tests_pass("python", RIGHT, TESTS, LIMITS).passed


def test_a_helper_that_died_is_started_again(helper: SandboxProcess) -> None:
    assert helper.tests_pass("python", RIGHT, TESTS, LIMITS).passed
    process = helper._process
    assert process is not None
    process.kill()
    process.wait()

    assert helper.tests_pass("python", RIGHT, TESTS, LIMITS).passed
    assert helper._process is not process


def test_a_run_the_sandbox_refuses_is_a_sandbox_error(helper: SandboxProcess) -> None:
    with pytest.raises(SandboxError, match="ValueError"):
        helper.tests_pass("python", [SourceFile("../adder.py", "x = 1\n")], TESTS, LIMITS)
    assert helper.tests_pass("python", RIGHT, TESTS, LIMITS).passed  # and it serves on


def test_a_helper_that_does_not_answer_in_time_is_stopped() -> None:
    silent = SandboxProcess(
        [sys.executable, "-c", "import time; time.sleep(60)"], extra_seconds=0.3
    )
    with pytest.raises(SandboxError, match="in time"):
        silent.tests_pass("python", RIGHT, TESTS, Limits(time_seconds=0.2))
    assert silent._process is None  # killed, a fresh one next time


def test_a_helper_that_answers_nonsense_is_a_sandbox_error() -> None:
    chatty = SandboxProcess([sys.executable, "-c", "import sys; sys.stdin.readline(); print('hi')"])
    with pytest.raises(SandboxError, match="nonsense"):
        chatty.tests_pass("python", RIGHT, TESTS, LIMITS)
    chatty.close()


def test_a_run_that_finds_every_slot_busy_gives_up_quickly(
    helper: SandboxProcess, guard_sandbox_config: SandboxConfig
) -> None:
    helper.start()
    with contextlib.ExitStack() as held:
        for _ in range(guard_sandbox_config.slots):
            held.enter_context(acquire_slot(guard_sandbox_config))
        started = time.monotonic()
        with pytest.raises(SandboxError, match="busy"):
            helper.tests_pass("python", RIGHT, TESTS, LIMITS, slot_wait_seconds=0.3)
        assert time.monotonic() - started < 3
    assert helper.tests_pass("python", RIGHT, TESTS, LIMITS).passed
