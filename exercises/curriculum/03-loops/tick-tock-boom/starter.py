def tick_tock_boom(limit: int) -> list[str]:
    """Return what the players say for the numbers 1 to limit."""
    said = []
    # Loop over the numbers and append a word or the number to said.
    return said
