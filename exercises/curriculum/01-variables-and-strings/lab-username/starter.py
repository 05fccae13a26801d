def make_username(first: str, last: str, year: int) -> str:
    """Return the lab username built from a first name, a last name and a birth year."""
    raise NotImplementedError("write make_username()")
