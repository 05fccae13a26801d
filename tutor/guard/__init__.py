"""The solution-leak guard: checks AI replies against an exercise's reference solution and
hidden tests before the student sees them, while they stream.

Plain Python, no Django. The caller builds a GuardContext from the exercise and the student's
code, then either judges a whole reply:

    verdict = check_reply(text, context, GuardSettings(), run_code=sandbox_runner(context))

or streams one:

    guard = StreamGuard(context, settings, run_code)
    for chunk in model_output:
        show(guard.push(chunk))
    final = guard.finish()
    show(final.rest)  # on block, replace all of it with final.verdict.redacted_text

See GuardSettings for the thresholds and the reasons behind their defaults.
"""

from tutor.guard.models import (
    FinalVerdict,
    Finding,
    GuardContext,
    GuardSettings,
    RunCode,
    Verdict,
    VerdictName,
)
from tutor.guard.sandbox_check import sandbox_runner
from tutor.guard.stream import StreamGuard, check_reply

__all__ = [
    "FinalVerdict",
    "Finding",
    "GuardContext",
    "GuardSettings",
    "RunCode",
    "StreamGuard",
    "Verdict",
    "VerdictName",
    "check_reply",
    "sandbox_runner",
]
