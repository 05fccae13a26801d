def merge_sorted(left: list, right: list) -> list:
    """Merge two sorted lists into one new sorted list (without sorting again)."""
    merged = []
    # Keep one index into each list, compare the two front values,
    # take the smaller one and move that index on...
    return merged
