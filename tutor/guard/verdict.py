"""From findings to a verdict: the worst finding wins."""

from collections.abc import Sequence

from tutor.guard.models import Finding, VerdictName

ALLOW_REASON = "no code close to the solution and no hidden test value"


def decide(findings: Sequence[Finding]) -> tuple[VerdictName, str]:
    """block if any finding blocks (the reason is the first such finding), else redact with
    every distinct redaction reason, else allow."""
    blocking = [f.message for f in findings if f.severity == "block"]
    if blocking:
        return "block", blocking[0]
    redacting = list(dict.fromkeys(f.message for f in findings if f.severity == "redact"))
    if redacting:
        return "redact", "; ".join(redacting)
    return "allow", ALLOW_REASON
