"""A Run that forks children to fill memory, measured on the host: the sandbox's cgroup peak.

    sudo python bench/sandbox_memory.py [--memory-mb 128]

Grades the hostile programs of tests/sandbox/test_sandbox_limits.py (8 children of 70 MB
each: anonymous memory, memfd files and files in /tmp in Python, malloc in C) through the real
sandbox and prints, for each, the Run's status and the most memory its sandbox held as the
kernel's cgroup counted it. Without cgroups every child could hold its own limit: 8 x 70 MB.
"""

import argparse
import dataclasses
import os
import sys
import tempfile
from pathlib import Path
from textwrap import dedent

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.sandbox.test_sandbox_limits import (
    C_FORKS,
    CALLS_FILL,
    CHILD_MB,
    CHILDREN,
    LIMITS,
    PYTHON_FORKS,
    PYTHON_MEMFD,
    PYTHON_TMPFS,
)
from tutor.sandbox import SandboxConfig, SourceFile, run_tests
from tutor.sandbox.cgroups import cgroup_support
from tutor.sandbox.supervisor import MIB

CASES = [
    ("python, anonymous memory", "python", "solution.py", PYTHON_FORKS, "test_fill.py"),
    ("python, memfd files", "python", "solution.py", PYTHON_MEMFD, "test_fill.py"),
    ("python, files in /tmp", "python", "solution.py", PYTHON_TMPFS, "test_fill.py"),
    ("c, malloc", "c", "solution.c", C_FORKS, "test_cases.toml"),
]
C_CASE = '[[case]]\nname = "fills"\nstdout = "contained"\n'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory-mb", type=int, default=LIMITS.memory_mb)
    args = parser.parse_args()
    # A /tmp larger than the memory limit: the cgroup is what holds it.
    limits = dataclasses.replace(LIMITS, memory_mb=args.memory_mb, tmp_size_mb=1024)
    first_uid = int(os.environ.get("LABTUTOR_SANDBOX_FIRST_UID", "62300"))
    print(f"{os.cpu_count()} CPUs; load {os.getloadavg()}")
    print(f"limits per sandbox: {cgroup_support().description}")
    print(f"each run: {CHILDREN} children x {CHILD_MB} MB under a {limits.memory_mb} MB limit")
    with tempfile.TemporaryDirectory(prefix="labtutor-bench-") as lock_dir:
        config = SandboxConfig(slots=1, lock_dir=lock_dir, first_uid=first_uid)
        for label, language, student_file, code, test_file in CASES:
            tests = CALLS_FILL if language == "python" else C_CASE
            result = run_tests(
                language,
                [SourceFile(student_file, dedent(code))],
                [SourceFile(test_file, tests)],
                limits,
                unsafe=False,
                config=config,
            )
            peak = result.memory_peak_bytes
            shown = "unknown (no cgroup)" if peak is None else f"{peak / MIB:.1f} MiB"
            print(f"{label}: status {result.status}; sandbox's peak {shown}")


if __name__ == "__main__":
    main()
