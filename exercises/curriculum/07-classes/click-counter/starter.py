class ClickCounter:
    """A tally counter: click() adds one, reset() goes back to the start."""

    def __init__(self, start: int = 0):
        self.count = 0  # Is this right when start is not 0?

    def click(self) -> int:
        """Add one to the count and return the new count."""
        raise NotImplementedError("write click()")

    def reset(self) -> None:
        """Put the count back to the starting value."""
        raise NotImplementedError("write reset()")
