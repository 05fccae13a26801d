def read_scores(path: str) -> dict[str, int]:
    """Read 'name: score' lines from the file at path into a dictionary."""
    scores = {}
    with open(path, encoding="utf-8") as file:
        for line in file:
            pass  # Your code here: split the line and store the score.
    return scores
