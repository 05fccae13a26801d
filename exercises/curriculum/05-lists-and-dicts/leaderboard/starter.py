def leaderboard(scores: dict[str, int], n: int = 3) -> list[tuple[str, int]]:
    """Return the top n (name, score) pairs: best score first, ties by name."""
    # TODO: sort the (name, score) pairs before keeping the first n.
    return list(scores.items())[:n]  # placeholder: not sorted yet
