def remove_duplicates(items: list) -> list:
    """Return a new list with the first occurrence of every value in items."""
    result = []
    # Add each item to result unless you have seen it before.
    return result
