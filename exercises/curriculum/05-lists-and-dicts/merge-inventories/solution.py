def merge_inventories(first: dict[str, int], second: dict[str, int]) -> dict[str, int]:
    """Return the combined counts of two inventories, leaving out totals of 0 or less."""
    totals: dict[str, int] = {}
    for inventory in (first, second):
        for item, count in inventory.items():
            totals[item] = totals.get(item, 0) + count
    return {item: count for item, count in totals.items() if count > 0}
