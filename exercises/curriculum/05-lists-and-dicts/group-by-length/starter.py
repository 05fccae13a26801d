def group_by_length(words: list[str]) -> dict[int, list[str]]:
    """Return a dictionary mapping each word length to the words of that length."""
    groups = {}
    # Put each word in the list of its length.
    return groups
