def group_by_length(words: list[str]) -> dict[int, list[str]]:
    """Return a dictionary mapping each word length to the words of that length."""
    groups: dict[int, list[str]] = {}
    for word in words:
        groups.setdefault(len(word), []).append(word)
    return groups
