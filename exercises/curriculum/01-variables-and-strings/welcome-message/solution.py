def welcome(name: str) -> str:
    """Return the lab greeting for ``name``, e.g. 'Welcome to the lab, Ada!'."""
    clean_name = name.strip()
    return f"Welcome to the lab, {clean_name}!"
