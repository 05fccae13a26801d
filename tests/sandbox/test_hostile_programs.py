"""Hostile C, Java and JavaScript programs through the real sandbox: each ends as a clean
result within its limits, leaves no process of the slot's uid behind, and the sandbox still
grades the next program."""

import os
import time
from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent

import pytest

from tests import sandbox_uids
from tutor.sandbox import Limits, RunResult, SandboxConfig, SourceFile, run_tests
from tutor.sandbox.processes import processes_of_uid

# Its own uids, apart from the other sandbox tests' (tests/sandbox/conftest.py).
FIRST_UID = sandbox_uids.HOSTILE_PROGRAMS
LIMITS = Limits(time_seconds=2, memory_mb=192, output_kb=16, tmp_size_mb=8, file_size_mb=4)
# Compile (Java's javac takes a second or two), the time limit, and the kill around it.
SLACK_SECONDS = 12.0
FILE_NAMES = {"c": "solution.c", "java": "Main.java", "javascript": "solution.js"}
LANGUAGES = ["c", pytest.param("java", marks=pytest.mark.slow), "javascript"]
ONE_CASE = '[[case]]\nname = "contained"\nstdout = "contained"\n'
PROJECT_FILE = Path(__file__).resolve().parents[2] / "pyproject.toml"


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> SandboxConfig:
    lock_dir = tmp_path_factory.mktemp("program-locks")
    os.chmod(lock_dir, 0o700)
    return SandboxConfig(slots=1, lock_dir=str(lock_dir), first_uid=FIRST_UID)


@pytest.fixture(autouse=True)
def contained(config: SandboxConfig) -> Iterator[None]:
    yield
    if os.geteuid() == 0:
        assert processes_of_uid(FIRST_UID) == [], "a process of the sandbox's uid outlived the run"
    echo = {
        "c": '#include <stdio.h>\nint main(void) { puts("contained"); return 0; }\n',
        "java": "public class Main { public static void main(String[] a) "
        '{ System.out.println("contained"); } }\n',
        "javascript": 'console.log("contained");\n',
    }
    for language in ("c", "javascript"):
        assert grade(config, language, echo[language]).passed


def grade(config: SandboxConfig, language: str, code: str, cases: str = ONE_CASE) -> RunResult:
    started = time.monotonic()
    result = run_tests(
        language,
        [SourceFile(FILE_NAMES[language], dedent(code))],
        [SourceFile("test_hidden.toml", cases)],
        LIMITS,
        unsafe=False,
        config=config,
    )
    assert time.monotonic() - started < LIMITS.time_seconds + SLACK_SECONDS
    return result


FORK_BOMB = {
    "c": """
        #include <unistd.h>
        int main(void) { for (;;) fork(); }
        """,
    "java": """
        public class Main {
            public static void main(String[] a) {
                for (;;) {
                    try { new ProcessBuilder("/usr/bin/sleep", "100").start(); }
                    catch (Exception e) { }
                    try { new Thread(() -> { for (;;) { } }).start(); } catch (Throwable e) { }
                }
            }
        }
        """,
    "javascript": """
        const { spawn } = require("child_process");
        for (;;) { try { spawn(process.execPath, [__filename]); } catch (e) {} }
        """,
}
MEMORY_BOMB = {
    "c": """
        #include <stdlib.h>
        #include <string.h>
        int main(void) { for (;;) { char *p = malloc(1 << 20); memset(p, 1, 1 << 20); } }
        """,
    "java": """
        import java.util.*;
        public class Main {
            public static void main(String[] a) {
                List<long[]> keep = new ArrayList<>();
                for (;;) keep.add(new long[1 << 20]);
            }
        }
        """,
    "javascript": """
        const keep = [];
        for (;;) keep.push(new Array(1 << 20).fill(1.5));
        """,
}
INFINITE_LOOP = {
    "c": "int main(void) { volatile int x = 0; for (;;) x++; }\n",
    "java": "public class Main { public static void main(String[] a) { for (;;) { } } }\n",
    "javascript": "for (;;) {}\n",
}
OUTPUT_FLOOD = {
    "c": '#include <stdio.h>\nint main(void) { for (;;) puts("flood flood flood"); }\n',
    "java": "public class Main { public static void main(String[] a) "
    '{ for (;;) System.out.println("flood flood flood"); } }\n',
    "javascript": 'for (;;) process.stdout.write("flood flood flood\\n");\n',
}
# Started in the background, detached from the program, and meant to live on after it.
OUTLIVER = {
    "c": """
        #include <stdio.h>
        #include <unistd.h>
        int main(void) {
            if (fork() == 0) { setsid(); if (fork() == 0) { sleep(60); } return 0; }
            puts("contained");
            return 0;
        }
        """,
    "java": """
        public class Main {
            public static void main(String[] a) throws Exception {
                new ProcessBuilder("/usr/bin/setsid", "/usr/bin/sleep", "60").start();
                System.out.println("contained");
            }
        }
        """,
    "javascript": """
        const { spawn } = require("child_process");
        spawn("/usr/bin/sleep", ["60"], { detached: true, stdio: "ignore" }).unref();
        console.log("contained");
        """,
}
# Each escape prints what it managed; "contained" only when all failed.
ESCAPES = {
    "c": f"""
        #include <arpa/inet.h>
        #include <fcntl.h>
        #include <stdio.h>
        #include <sys/socket.h>
        #include <unistd.h>
        int main(void) {{
            int escaped = 0;
            const char *outside[] = {{"/usr/evil", "/opt/program/evil", "/etc/evil", "/evil"}};
            for (int i = 0; i < 4; i++) {{
                int fd = open(outside[i], O_WRONLY | O_CREAT, 0644);
                if (fd >= 0) {{ printf("wrote %s\\n", outside[i]); escaped = 1; close(fd); }}
            }}
            if (open("{PROJECT_FILE}", O_RDONLY) >= 0) {{ puts("read the project"); escaped = 1; }}
            if (open("/root/.bash_history", O_RDONLY) >= 0) {{ puts("read root"); escaped = 1; }}
            int s = socket(AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in redis = {{ .sin_family = AF_INET, .sin_port = htons(6379) }};
            inet_pton(AF_INET, "127.0.0.1", &redis.sin_addr);
            if (s >= 0 && connect(s, (struct sockaddr *)&redis, sizeof redis) == 0) {{
                puts("reached redis"); escaped = 1;
            }}
            struct sockaddr_in far = {{ .sin_family = AF_INET, .sin_port = htons(53) }};
            inet_pton(AF_INET, "1.1.1.1", &far.sin_addr);
            int t = socket(AF_INET, SOCK_STREAM, 0);
            if (t >= 0 && connect(t, (struct sockaddr *)&far, sizeof far) == 0) {{
                puts("reached the internet"); escaped = 1;
            }}
            if (!escaped) puts("contained");
            return 0;
        }}
        """,
    "java": f"""
        import java.io.*;
        import java.net.*;
        import java.nio.file.*;
        public class Main {{
            public static void main(String[] a) {{
                boolean escaped = false;
                for (String p : new String[] {{"/usr/evil", "/opt/program/evil", "/etc/evil"}}) {{
                    try {{ Files.writeString(Path.of(p), "x"); System.out.println("wrote " + p);
                          escaped = true; }} catch (Exception e) {{ }}
                }}
                try {{ Files.readString(Path.of("{PROJECT_FILE}")); escaped = true;
                      System.out.println("read the project"); }} catch (Exception e) {{ }}
                try (Socket s = new Socket()) {{
                    s.connect(new InetSocketAddress("127.0.0.1", 6379), 500);
                    System.out.println("reached redis"); escaped = true;
                }} catch (Exception e) {{ }}
                try (Socket s = new Socket()) {{
                    s.connect(new InetSocketAddress("1.1.1.1", 53), 500);
                    System.out.println("reached the internet"); escaped = true;
                }} catch (Exception e) {{ }}
                if (!escaped) System.out.println("contained");
            }}
        }}
        """,
    "javascript": f"""
        const fs = require("fs"), net = require("net");
        let escaped = false;
        for (const p of ["/usr/evil", "/opt/program/evil", "/etc/evil"]) {{
          try {{ fs.writeFileSync(p, "x"); console.log("wrote " + p); escaped = true; }}
          catch {{}}
        }}
        try {{ fs.readFileSync("{PROJECT_FILE}"); console.log("read project"); escaped = true; }}
        catch {{}}
        function tryConnect(host, port) {{
          return new Promise((resolve) => {{
            const s = net.connect({{ host, port, timeout: 500 }});
            s.on("connect", () => {{ s.destroy(); resolve(true); }});
            s.on("error", () => resolve(false));
            s.on("timeout", () => {{ s.destroy(); resolve(false); }});
          }});
        }}
        (async () => {{
          for (const [host, port] of [["127.0.0.1", 6379], ["1.1.1.1", 53]]) {{
            if (await tryConnect(host, port)) {{ console.log("reached " + host); escaped = true; }}
          }}
          if (!escaped) console.log("contained");
        }})();
        """,
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_fork_bomb(config: SandboxConfig, language: str) -> None:
    result = grade(config, language, FORK_BOMB[language])
    # Usually stopped at the time limit; the JVM reports the thread it could not start as an
    # OutOfMemoryError, and node sometimes ends by itself when the process limit leaves it no
    # thread to start. Either way nothing passes, and `contained` checks that nothing outlives
    # the run and that the sandbox grades the next program.
    assert not result.passed
    assert result.status in {"timeout", "memory_limit", "completed", "crashed"}
    if result.status == "timeout":
        assert result.tests[0].message.startswith("stopped: the program")


@pytest.mark.parametrize("language", LANGUAGES)
def test_memory_bomb(config: SandboxConfig, language: str) -> None:
    result = grade(config, language, MEMORY_BOMB[language])
    assert not result.passed
    if language == "c":
        # malloc returns NULL at RLIMIT_AS, and the bomb writes through it.
        assert result.tests[0].message == "the program crashed (killed by SIGSEGV)", result
    else:
        assert result.status == "memory_limit", result


@pytest.mark.parametrize("language", LANGUAGES)
def test_infinite_loop(config: SandboxConfig, language: str) -> None:
    result = grade(config, language, INFINITE_LOOP[language])
    assert result.status == "timeout"


@pytest.mark.parametrize("language", LANGUAGES)
def test_output_flood(config: SandboxConfig, language: str) -> None:
    result = grade(config, language, OUTPUT_FLOOD[language])
    assert result.status == "output_limit", result
    assert len(result.tests[0].stdout) <= LIMITS.test_output_kb * 1024 + 20


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_process_that_outlives_the_run(config: SandboxConfig, language: str) -> None:
    result = grade(config, language, OUTLIVER[language])
    assert result.passed, result
    assert result.duration_ms < (LIMITS.time_seconds + SLACK_SECONDS) * 1000


@pytest.mark.parametrize("language", LANGUAGES)
def test_writing_outside_reading_secrets_and_the_network(
    config: SandboxConfig, language: str
) -> None:
    result = grade(config, language, ESCAPES[language])
    assert result.passed, result.tests[0].actual
    assert not Path("/usr/evil").exists() and not Path("/etc/evil").exists()
