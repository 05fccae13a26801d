def to_roman(number: int) -> str:
    """Return number (1 to 3999) written in Roman numerals."""
    raise NotImplementedError("write to_roman()")
