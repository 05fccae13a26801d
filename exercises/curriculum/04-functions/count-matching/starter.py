def count_matching(items: list, predicate=None) -> int:
    """Return how many items the predicate accepts (or how many are truthy)."""
    count = 0
    # Call predicate(item) for every item and count the True answers.
    return count
