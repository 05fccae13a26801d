def make_username(first: str, last: str, year: int) -> str:
    """Return the lab username built from a first name, a last name and a birth year."""
    cleaned_last = last.replace(" ", "").replace("-", "").replace("'", "")
    username = f"{first[0]}{cleaned_last[:6]}{year % 100:02d}"
    return username.lower()
