"""run_tests for multi-threaded callers: the run happens in a fresh single-threaded process."""

import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict

from tutor.sandbox.errors import SandboxError
from tutor.sandbox.models import Limits, SourceFile

# Python's start-up and the slot wait come on top of the run's own time limit.
EXTRA_SECONDS = 30.0


def tests_pass_in_subprocess(
    language: str,
    student_files: Sequence[SourceFile],
    test_files: Sequence[SourceFile],
    limits: Limits,
) -> bool:
    """Whether every test passes; raises SandboxError when the run itself could not happen."""
    job = {
        "language": language,
        "student_files": [asdict(file) for file in student_files],
        "test_files": [asdict(file) for file in test_files],
        "limits": asdict(limits),
    }
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "tutor.sandbox"],
            input=json.dumps(job),
            capture_output=True,
            text=True,
            timeout=limits.time_seconds + EXTRA_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise SandboxError("the sandbox process did not finish in time") from error
    if finished.returncode != 0:
        raise SandboxError(f"the sandbox process failed: {finished.stderr.strip()[-500:]}")
    return bool(json.loads(finished.stdout)["passed"])
