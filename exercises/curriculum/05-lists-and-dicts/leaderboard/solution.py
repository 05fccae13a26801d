def leaderboard(scores: dict[str, int], n: int = 3) -> list[tuple[str, int]]:
    """Return the top n (name, score) pairs: best score first, ties by name."""
    if n <= 0:
        return []
    ranked = sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))
    return ranked[:n]
