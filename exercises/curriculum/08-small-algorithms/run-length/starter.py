def compress(text: str) -> str:
    """Write every run of equal characters as the character followed by its length."""
    raise NotImplementedError("write compress()")


def expand(code: str) -> str:
    """Turn a code made by compress() back into the original text."""
    raise NotImplementedError("write expand()")
