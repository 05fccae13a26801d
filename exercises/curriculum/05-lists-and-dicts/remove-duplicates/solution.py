def remove_duplicates(items: list) -> list:
    """Return a new list with the first occurrence of every value in items."""
    seen = set()
    result = []
    for item in items:
        if item not in seen:
            seen.add(item)
            result.append(item)
    return result
