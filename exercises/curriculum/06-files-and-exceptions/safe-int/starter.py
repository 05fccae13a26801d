def to_int(text, default=0):
    """Return int(text), or default when text cannot be turned into a whole number."""
    # TODO: this crashes on text like "three" or on None. Catch those errors.
    return int(text)
