"""The code sandbox: run a student's files against exercise tests inside bubblewrap.

Plain Python, no Django: the grading task calls run_tests() and stores RunResult.to_dict().
"""

from tutor.sandbox.config import SandboxConfig
from tutor.sandbox.errors import SandboxBusy, SandboxError, SandboxUnavailable, UnknownLanguage
from tutor.sandbox.languages import get_language, register_language
from tutor.sandbox.languages.base import Language
from tutor.sandbox.models import Limits, Outcome, RunResult, RunStatus, SourceFile, TestResult
from tutor.sandbox.runner import check_sandbox, run_tests

__all__ = [
    "Language",
    "Limits",
    "Outcome",
    "RunResult",
    "RunStatus",
    "SandboxBusy",
    "SandboxConfig",
    "SandboxError",
    "SandboxUnavailable",
    "SourceFile",
    "TestResult",
    "UnknownLanguage",
    "check_sandbox",
    "get_language",
    "register_language",
    "run_tests",
]
