def summarize(numbers: list[float]) -> tuple[float, float, float]:
    """Return (smallest, largest, mean) of a non-empty collection of numbers."""
    if not numbers:
        raise ValueError("no numbers to summarize")
    mean = sum(numbers) / len(numbers)
    return min(numbers), max(numbers), mean
