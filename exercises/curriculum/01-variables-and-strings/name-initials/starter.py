def initials(full_name: str) -> str:
    """Return the initials of ``full_name``: 'ada lovelace' -> 'A.L.'."""
    raise NotImplementedError("write initials()")
