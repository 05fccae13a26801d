def find_index(items, target) -> int:
    """Return the index of target in the sorted sequence items, or -1 if it is absent."""
    # TODO: keep a range of indexes [low, high] where target can still be, and narrow it
    # down by looking at its middle element until target is found or the range is empty.
    return -1
