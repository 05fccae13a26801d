def count_nonblank_lines(path: str) -> int:
    """Return how many lines of the text file at path are not blank."""
    count = 0
    # Open the file and look at each line.
    return count
