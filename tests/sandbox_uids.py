"""The uids the test suite's sandboxes run as, one block per test package.

Far from the server's default 61000, so a dev server running beside the tests is never hit.
LABTUTOR_TEST_UID_BASE moves the whole block: two checkouts testing at the same moment on one
machine each need their own, or each one's clean-up kills the other's sandboxes.
"""

import os

BASE = int(os.environ.get("LABTUTOR_TEST_UID_BASE", "62000"))

SANDBOX = BASE + 100  # tests/sandbox
GROUNDING = BASE + 200  # tests/grounding
GUARD = BASE + 400  # tests/guard
HOSTILE_PROGRAMS = BASE + 500  # tests/sandbox/test_hostile_programs.py
PROGRAMS = BASE + 600  # tests/sandbox/test_programs.py
