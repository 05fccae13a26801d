class ClickCounter:
    """A tally counter: click() adds one, reset() goes back to the start."""

    def __init__(self, start: int = 0):
        if start < 0:
            raise ValueError("start cannot be negative")
        self.start = start
        self.count = start

    def click(self) -> int:
        """Add one to the count and return the new count."""
        self.count += 1
        return self.count

    def reset(self) -> None:
        """Put the count back to the starting value."""
        self.count = self.start
