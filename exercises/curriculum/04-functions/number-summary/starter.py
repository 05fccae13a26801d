def summarize(numbers: list[float]) -> tuple[float, float, float]:
    """Return (smallest, largest, mean) of a non-empty collection of numbers."""
    pass
