"""`python -m tutor.sandbox`: one run, described as JSON on stdin, its RunResult as JSON out.

For callers in multi-threaded processes (the llm worker's thread pool, torch's threads): the
sandbox sets rlimits between fork and exec, which is only safe in a single-threaded process,
so such callers start this small one instead (see isolated.py).
"""

import json
import sys

from tutor.sandbox.models import Limits, SourceFile
from tutor.sandbox.runner import run_tests


def main() -> None:
    job = json.load(sys.stdin)
    result = run_tests(
        job["language"],
        [SourceFile(**file) for file in job["student_files"]],
        [SourceFile(**file) for file in job["test_files"]],
        Limits(**job["limits"]),
    )
    json.dump(result.to_dict(), sys.stdout)


if __name__ == "__main__":
    main()
