def welcome(name: str) -> str:
    """Return the lab greeting for ``name``, e.g. 'Welcome to the lab, Ada!'."""
    # Your code here: build the greeting and return it.
    pass
