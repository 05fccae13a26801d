def to_int(text, default=0):
    """Return int(text), or default when text cannot be turned into a whole number."""
    try:
        return int(text)
    except (ValueError, TypeError):
        return default
