def make_discount(percent: float):
    """Return a function that takes `percent` per cent off a price."""
    if not 0 <= percent <= 100:
        raise ValueError("percent must be between 0 and 100")

    def apply(price: float) -> float:
        """Return price minus the discount, rounded to two decimals."""
        if price < 0:
            raise ValueError("price cannot be negative")
        return round(price * (100 - percent) / 100, 2)

    return apply
