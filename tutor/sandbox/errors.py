"""Errors for the caller (the grading task), as opposed to a student's program failing its tests."""


class SandboxError(Exception):
    """The sandbox could not grade this run; nothing is wrong with the student's code."""


class SandboxUnavailable(SandboxError):
    """bubblewrap (or what it needs from the kernel) is missing; the message says what to fix."""


class SandboxBusy(SandboxError):
    """Every slot stayed taken for longer than the configured wait."""


class UnknownLanguage(SandboxError, LookupError):
    """No language plug-in is registered under this name."""
