def count_matching(items: list, predicate=None) -> int:
    """Return how many items the predicate accepts (or how many are truthy)."""
    if predicate is None:
        predicate = bool
    count = 0
    for item in items:
        if predicate(item):
            count += 1
    return count
