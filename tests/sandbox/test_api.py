"""The package's edges: errors for the caller, the unsafe mode, slots, and the result protocol."""

import logging
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from tests.sandbox.conftest import FAST
from tutor.sandbox import (
    Limits,
    SandboxBusy,
    SandboxConfig,
    SandboxError,
    SandboxUnavailable,
    SourceFile,
    UnknownLanguage,
    check_sandbox,
    run_tests,
)
from tutor.sandbox.report import parse_report
from tutor.sandbox.slots import acquire_slot

STUDENT = [SourceFile("adder.py", "def add(a, b):\n    return a + b\n")]
TESTS = [
    SourceFile(
        "test_adder.py", "from adder import add\n\ndef test_add():\n    assert add(1, 2) == 3\n"
    )
]


def test_the_sandbox_works_here(sandbox_config: SandboxConfig) -> None:
    check_sandbox(sandbox_config)


def test_unknown_language_is_a_clear_error(sandbox_config: SandboxConfig) -> None:
    with pytest.raises(UnknownLanguage, match=r"'cobol'.*known: python"):
        run_tests("cobol", STUDENT, TESTS, config=sandbox_config)


@pytest.mark.parametrize(
    "name", ["../adder.py", "adder", "my-adder.py", "json.py", "test_adder.py"]
)
def test_unusable_student_file_names_are_refused(sandbox_config: SandboxConfig, name: str) -> None:
    with pytest.raises(ValueError, match=r"adder|json"):
        run_tests("python", [SourceFile(name, "")], TESTS, config=sandbox_config)


def test_missing_bubblewrap_raises_sandbox_unavailable(sandbox_config: SandboxConfig) -> None:
    config = replace(sandbox_config, bwrap_path="/nonexistent/bwrap")
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        run_tests("python", STUDENT, TESTS, config=config)


def test_a_bwrap_that_cannot_start_raises_sandbox_unavailable(
    sandbox_config: SandboxConfig,
) -> None:
    # A stand-in that speaks bwrap's --help but fails like bwrap does without user namespaces.
    # It runs as the slot's uid, so it lives where that uid can reach it.
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)
        fake = os.path.join(folder, "bwrap")
        with open(fake, "w") as script:
            script.write(
                "#!/bin/sh\n"
                'if [ "$1" = --help ]; then exec /usr/bin/bwrap --help; fi\n'
                "echo 'bwrap: No permission to create new namespace' >&2\nexit 1\n"
            )
        os.chmod(fake, 0o755)
        with pytest.raises(SandboxUnavailable, match="user namespaces"):
            run_tests("python", STUDENT, TESTS, config=replace(sandbox_config, bwrap_path=fake))


def test_unsafe_mode_runs_without_bwrap_and_warns_loudly(
    sandbox_config: SandboxConfig, caplog: pytest.LogCaptureFixture
) -> None:
    config = replace(sandbox_config, bwrap_path="/nonexistent/bwrap")
    with caplog.at_level(logging.WARNING, logger="tutor.sandbox"):
        result = run_tests("python", STUDENT, TESTS, FAST, unsafe=True, config=config)
    assert result.passed
    assert any("UNSAFE" in record.message for record in caplog.records)


def test_unsafe_mode_still_enforces_the_time_limit(sandbox_config: SandboxConfig) -> None:
    tests = [SourceFile("test_loop.py", "def test_loop():\n    while True:\n        pass\n")]
    result = run_tests("python", STUDENT, tests, FAST, unsafe=True, config=sandbox_config)
    assert result.status == "timeout"


def test_unsafe_mode_follows_the_environment(
    sandbox_config: SandboxConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LABTUTOR_SANDBOX_UNSAFE", "1")
    monkeypatch.setenv("LABTUTOR_SANDBOX_SLOTS", "3")
    config = SandboxConfig.from_env()
    assert (config.unsafe, config.slots) == (True, 3)
    monkeypatch.delenv("LABTUTOR_SANDBOX_UNSAFE")
    assert SandboxConfig.from_env().unsafe is False


def test_limits_reject_nonsense() -> None:
    with pytest.raises(ValueError, match="time_seconds"):
        Limits(time_seconds=0)
    with pytest.raises(ValueError, match="processes"):
        Limits(processes=2)


def test_slots_are_exclusive_across_holders(sandbox_config: SandboxConfig) -> None:
    config = replace(sandbox_config, slots=2, slot_wait_seconds=0.2)
    with acquire_slot(config) as first, acquire_slot(config) as second:
        assert {first.index, second.index} == {0, 1}
        if os.geteuid() == 0:
            assert {first.uid, second.uid} == {config.first_uid, config.first_uid + 1}
        with pytest.raises(SandboxBusy), acquire_slot(config):
            pass
    with acquire_slot(config) as again:
        assert again.index in {0, 1}


@pytest.mark.skipif(os.geteuid() != 0, reason="slot uids are only used by a root server")
def test_slot_uids_that_belong_to_an_account_are_refused(sandbox_config: SandboxConfig) -> None:
    config = replace(sandbox_config, first_uid=1)  # "daemon" on Debian-like systems
    with pytest.raises(SandboxError, match="belongs to user"):
        run_tests("python", STUDENT, TESTS, config=config)


def test_a_busy_slot_is_waited_for(sandbox_config: SandboxConfig) -> None:
    config = replace(sandbox_config, slot_wait_seconds=5)
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with acquire_slot(config):
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    threading.Timer(0.2, release.set).start()
    with acquire_slot(config) as slot:
        assert slot.index == 0
    holder.join()


def test_a_lock_dir_writable_by_others_is_refused(
    sandbox_config: SandboxConfig, tmp_path: os.PathLike[str]
) -> None:
    shared = os.path.join(tmp_path, "shared")
    os.mkdir(shared)
    os.chmod(shared, 0o777)
    with pytest.raises(Exception, match="writable by group or others"):
        run_tests("python", STUDENT, TESTS, config=replace(sandbox_config, lock_dir=shared))


def test_report_lines_need_the_nonce_and_first_result_wins() -> None:
    data = b"\n".join(
        [
            b'{"n": "secret", "event": "ready"}',
            b'{"n": "guess", "event": "result", "file": "t.py", "name": "a", "outcome": "passed"}',
            b"not json at all",
            b'["n", "secret"]',
            b'{"n": "secret", "event": "start", "file": "t.py", "name": "a"}',
            b'{"n": "secret", "event": "result", "file": "t.py", "name": "a", "outcome": "failed"}',
            b'{"n": "secret", "event": "result", "file": "t.py", "name": "a", "outcome": "passed"}',
            b'{"n": "secret", "event": "start", "file": "t.py", "name": "b"}',
        ]
    )
    report = parse_report(data, "secret")
    assert report.ready
    assert [event["outcome"] for event in report.results.values()] == ["failed"]
    assert report.running is not None and report.running.name == "b"


def test_the_package_does_not_import_django() -> None:
    code = (
        "import sys, types; sys.modules['tutor'] = types.ModuleType('tutor'); "
        "sys.modules['tutor'].__path__ = ['tutor']; import tutor.sandbox; "
        "assert not [m for m in sys.modules if m.startswith(('django', 'celery'))]"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])
