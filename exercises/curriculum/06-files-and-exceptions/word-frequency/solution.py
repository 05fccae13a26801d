import string
from collections import Counter


def top_words(path: str, n: int = 3) -> list[tuple[str, int]]:
    """Return the n most frequent words of the text file at path, with their counts."""
    if n <= 0:
        return []

    counts: Counter[str] = Counter()
    with open(path, encoding="utf-8") as file:
        for line in file:
            for piece in line.split():
                word = piece.strip(string.punctuation).lower()
                if word:
                    counts[word] += 1

    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:n]
