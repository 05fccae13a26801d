"""Hostile programs through the real sandbox. Each must end as a clean result within its limits,
leave no process behind, and leave the sandbox working for the next run."""

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sandbox.conftest import FAST, FIRST_UID, Grade
from tutor.sandbox import RunResult

# Time limit plus what bwrap, Python and the kill take around it.
SLACK_SECONDS = 1.5

pytestmark = pytest.mark.usefixtures("no_survivors", "sandbox_still_works")


@pytest.fixture
def sandbox_still_works(grade: Grade) -> Iterator[None]:
    yield
    result = grade("def f():\n    return 1\n", {"test_ok.py": PASSING_TEST})
    assert result.passed, result.message


PASSING_TEST = "from solution import f\n\ndef test_f():\n    assert f() == 1\n"


def run_test_body(grade: Grade, body: str, **kwargs: object) -> RunResult:
    """Grade one test function whose body is the hostile code."""
    indented = "\n".join("    " + line for line in body.strip("\n").splitlines())
    tests = "import os, signal, socket, sys, time\n\ndef test_hostile():\n" + indented + "\n"
    started = time.monotonic()
    result = grade("", {"test_hostile.py": tests}, **kwargs)
    assert time.monotonic() - started < FAST.time_seconds + SLACK_SECONDS
    return result


def printed(result: RunResult) -> dict[str, str]:
    (test,) = result.tests
    return json.loads(test.stdout)


def test_fork_bomb(grade: Grade) -> None:
    result = run_test_body(
        grade,
        """
        while True:
            try:
                os.fork()
            except OSError:
                pass
        """,
    )
    assert result.status == "timeout"
    assert result.tests[0].message.startswith("stopped: the program ran past")


def test_process_limit_holds(grade: Grade) -> None:
    result = run_test_body(
        grade,
        """
        children = 0
        try:
            while True:
                if os.fork() == 0:
                    time.sleep(30)
                children += 1
        except OSError as error:
            print(children, type(error).__name__)
        """,
    )
    children, error = result.tests[0].stdout.split()
    # The limit counts the uid's processes: bwrap and the harness take two of them.
    assert int(children) == FAST.processes - 2
    assert error == "BlockingIOError"


def test_no_user_namespaces_inside(grade: Grade) -> None:
    result = run_test_body(
        grade,
        """
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        CLONE_NEWUSER = 0x10000000
        assert libc.unshare(CLONE_NEWUSER) == -1, "created a user namespace"
        print(ctypes.get_errno())
        """,
    )
    assert result.tests[0].outcome == "passed", result.tests[0].message


def test_host_processes_are_invisible(grade: Grade) -> None:
    result = run_test_body(grade, 'print(sorted(p for p in os.listdir("/proc") if p.isdigit()))')
    assert result.tests[0].stdout.strip() == "['1']"


def test_memory_bomb(grade: Grade) -> None:
    result = run_test_body(
        grade,
        """
        hoard = []
        while True:
            hoard.append(bytearray(10_000_000))
        """,
    )
    assert result.status == "memory_limit"
    assert result.tests[0].message == "MemoryError"
    assert "128 MB" in result.message


def test_cpu_loop(grade: Grade) -> None:
    result = run_test_body(grade, "while True:\n    pass")
    assert result.status == "timeout"


def test_sleep_past_the_limit(grade: Grade) -> None:
    result = run_test_body(grade, "time.sleep(60)")
    assert result.status == "timeout"


def test_sigstop(grade: Grade) -> None:
    # The program is pid 1 of its namespace, so stopping itself is ignored; a child does stop,
    # and waiting for it would hang: the timer must kill stopped processes too.
    result = run_test_body(
        grade,
        """
        os.kill(os.getpid(), signal.SIGSTOP)
        child = os.fork()
        if child == 0:
            os.kill(os.getpid(), signal.SIGSTOP)
            os._exit(0)
        os.waitpid(child, 0)
        """,
    )
    assert result.status == "timeout"


def test_ignoring_sigterm(grade: Grade) -> None:
    result = run_test_body(
        grade,
        """
        for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(number, signal.SIG_IGN)
        while True:
            time.sleep(0.1)
        """,
    )
    assert result.status == "timeout"


def test_output_flood(grade: Grade) -> None:
    result = run_test_body(grade, 'while True:\n    os.write(1, b"x" * 65536)')
    assert result.status == "output_limit"
    assert result.stdout.startswith("x" * 1000)
    assert len(result.stdout) < FAST.output_kb * 1024 + 100
    assert result.stdout.endswith(f"[output cut: more than {FAST.output_kb} KiB]")


def test_output_flood_on_the_report_descriptor(grade: Grade) -> None:
    result = run_test_body(
        grade,
        """
        chunk = b"y" * 65536
        while True:
            for fd in range(3, 20):
                try:
                    os.write(fd, chunk)
                except OSError:
                    pass
        """,
    )
    assert result.status in {"output_limit", "timeout"}


def test_filling_tmp(grade: Grade) -> None:
    result = run_test_body(
        grade,
        """
        chunk = b"z" * (1 << 20)
        for n in range(100):
            with open(f"/tmp/fill-{n}", "wb") as f:
                for _ in range(3):
                    f.write(chunk)
        """,
    )
    (test,) = result.tests
    assert result.status == "completed"
    assert test.outcome == "error"
    assert "No space left on device" in test.message


def test_one_huge_file(grade: Grade) -> None:
    result = run_test_body(
        grade,
        """
        with open("huge", "wb") as f:
            for _ in range(100):
                f.write(b"z" * (1 << 20))
        """,
    )
    assert "File too large" in result.tests[0].message


SECRET = "labtutor-secret-8c1f0e2a"


def test_host_files_are_invisible(grade: Grade, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"SECRET_KEY={SECRET}\n")
    (tmp_path / "settings.py").write_text(f"SECRET_KEY = '{SECRET}'\n")
    (tmp_path / "db.sqlite3").write_text(SECRET)
    targets = [
        "/etc/passwd",
        "/etc/shadow",
        "/proc/1/environ",
        str(tmp_path / ".env"),
        str(tmp_path / "settings.py"),
        str(tmp_path / "db.sqlite3"),
        "/work/main/tutor/settings.py",
        "/work/main/var",
        "/work/main",
        "/root",
        "/home",
        "/var/lib/postgresql",
    ]
    result = run_test_body(
        grade,
        f"""
        import json
        seen = {{}}
        for path in {targets!r}:
            try:
                if os.path.isdir(path):
                    seen[path] = "listed: " + ",".join(os.listdir(path))
                else:
                    with open(path, errors="replace") as f:
                        seen[path] = "read: " + f.read()
            except OSError as error:
                seen[path] = type(error).__name__
        print(json.dumps(seen))
        """,
    )
    seen = printed(result)
    everything = json.dumps(result.to_dict())
    assert SECRET not in everything
    assert "root:x:0:0" not in everything
    # /proc/1 is the sandboxed program itself: its environment is the cleared one.
    assert seen.pop("/proc/1/environ").startswith("read: PATH=/usr/bin:/bin")
    assert set(seen.values()) == {"FileNotFoundError"}, seen


def test_writing_outside_tmp(grade: Grade) -> None:
    targets = ["/x", "/usr/x", "/opt/labtutor/x", "/dev/x", "/dev/shm/x", "/proc/sys/x", "/etc/x"]
    result = run_test_body(
        grade,
        f"""
        import json
        done = {{}}
        for path in {targets!r}:
            try:
                with open(path, "w") as f:
                    f.write("x")
                done[path] = "written"
            except OSError as error:
                done[path] = type(error).__name__
        print(json.dumps(done))
        """,
    )
    done = printed(result)
    assert "written" not in done.values(), done


def host_port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("port", [6379, 5432])
def test_local_services_are_unreachable(grade: Grade, port: int) -> None:
    reachable_from_host = host_port_open(port)
    result = run_test_body(grade, f'socket.create_connection(("127.0.0.1", {port}), timeout=1)')
    (test,) = result.tests
    assert test.outcome == "error"
    assert test.message.startswith("ConnectionRefusedError"), test.message
    # Where the service really runs, this shows the sandbox, not the service, refused.
    if not reachable_from_host:
        pytest.skip(f"nothing listens on 127.0.0.1:{port} here; only the sandbox side was checked")


def test_outside_address_is_unreachable(grade: Grade) -> None:
    # The routing table is checked first, so that even a broken sandbox sends no packet out.
    result = run_test_body(
        grade,
        """
        with open("/proc/net/route") as f:
            routes = f.read().splitlines()[1:]
        assert routes == [], "the sandbox has a network route"
        started = time.monotonic()
        try:
            socket.create_connection(("1.1.1.1", 53), timeout=3)
        except OSError as error:
            print(type(error).__name__, error.errno, round(time.monotonic() - started, 3))
            raise
        """,
    )
    (test,) = result.tests
    assert test.outcome == "error"
    assert "Network is unreachable" in test.message
    error_name, errno_value, seconds = test.stdout.split()
    assert (error_name, errno_value) == ("OSError", "101")
    assert float(seconds) < 0.1


def test_daemon_does_not_outlive_the_run(grade: Grade) -> None:
    result = run_test_body(
        grade,
        """
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                signal.signal(signal.SIGHUP, signal.SIG_IGN)
                time.sleep(30)
            os._exit(0)
        time.sleep(0.1)
        """,
    )
    assert result.status == "completed"
    assert result.tests[0].outcome == "passed"
    # The no_survivors fixture checks /proc for any process of the slot's uid.


def test_kill_minus_one_kills_nothing_outside(grade: Grade) -> None:
    # Processes of another slot's uid and of root stand in for "everything outside".
    neighbour = subprocess.Popen(["sleep", "30"], user=FIRST_UID + 1, group=FIRST_UID + 1)
    bystander = subprocess.Popen(["sleep", "30"])
    try:
        result = run_test_body(grade, "os.kill(-1, signal.SIGKILL)\ntime.sleep(0.2)")
        assert neighbour.poll() is None and bystander.poll() is None
        assert result.status == "completed"
    finally:
        for process in (neighbour, bystander):
            process.kill()
            process.wait()


def test_deep_recursion(grade: Grade) -> None:
    result = run_test_body(grade, "def down(n):\n    return down(n + 1)\ndown(0)")
    (test,) = result.tests
    assert result.status == "completed"
    assert test.message.startswith("RecursionError: maximum recursion depth exceeded")
    assert len(test.traceback) < 9000
    assert "Previous line repeated" in test.traceback


def test_recursion_with_the_limit_lifted(grade: Grade) -> None:
    result = run_test_body(
        grade,
        """
        sys.setrecursionlimit(10**8)
        def down(n):
            return [down(n + 1)]
        down(0)
        """,
    )
    assert result.status in {"memory_limit", "crashed", "timeout"}
    assert result.tests[0].outcome == "error"


def test_killing_itself_leaves_a_crash_not_a_hang(grade: Grade) -> None:
    result = run_test_body(grade, "os.abort()")
    assert result.status == "crashed"
    # abort() can't kill a namespace's pid 1 with SIGABRT; glibc then faults on purpose.
    assert "killed by SIG" in result.message


def test_stopping_the_harness_with_exit(grade: Grade) -> None:
    tests = "import os\n\ndef test_a():\n    os._exit(0)\n\ndef test_b():\n    pass\n"
    result = grade("", {"test_x.py": tests})
    assert result.status == "crashed"
    assert [t.outcome for t in result.tests] == ["error", "error"]
    assert result.tests[0].message.startswith("stopped: the program stopped unexpectedly")
    assert result.exit_code == 0
