def initials(full_name: str) -> str:
    """Return the initials of ``full_name``: 'ada lovelace' -> 'A.L.'."""
    return "".join(f"{word[0].upper()}." for word in full_name.split())
