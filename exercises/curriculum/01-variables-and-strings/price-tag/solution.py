def price_tag(item: str, cents: int) -> str:
    """Return a tag such as 'Notebook: $3.50' for a price given in cents."""
    dollars, rest = divmod(cents, 100)
    return f"{item}: ${dollars:,}.{rest:02d}"
