def count_nonblank_lines(path: str) -> int:
    """Return how many lines of the text file at path are not blank."""
    count = 0
    with open(path, encoding="utf-8") as file:
        for line in file:
            if line.strip():
                count += 1
    return count
