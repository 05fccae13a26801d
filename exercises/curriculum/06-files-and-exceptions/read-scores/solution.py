def read_scores(path: str) -> dict[str, int]:
    """Read 'name: score' lines from the file at path into a dictionary."""
    scores: dict[str, int] = {}
    with open(path, encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue

            name, colon, score_text = line.partition(":")
            name = name.strip()
            if not colon or not name:
                raise ValueError(f"line {number}: expected 'name: score'")
            try:
                score = int(score_text)
            except ValueError:
                raise ValueError(
                    f"line {number}: {score_text.strip()!r} is not a whole number"
                ) from None

            scores[name] = max(score, scores.get(name, score))
    return scores
