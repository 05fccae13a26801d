def merge_sorted(left: list, right: list) -> list:
    """Merge two sorted lists into one new sorted list (without sorting again)."""
    merged = []
    i = j = 0
    while i < len(left) and j < len(right):
        if right[j] < left[i]:
            merged.append(right[j])
            j += 1
        else:
            merged.append(left[i])
            i += 1
    merged.extend(left[i:])
    merged.extend(right[j:])
    return merged
