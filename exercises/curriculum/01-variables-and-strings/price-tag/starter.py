def price_tag(item: str, cents: int) -> str:
    """Return a tag such as 'Notebook: $3.50' for a price given in cents."""
    # Split cents into dollars and the leftover cents, then format them.
    pass
