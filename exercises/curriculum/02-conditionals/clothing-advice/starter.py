def clothing_advice(celsius: float) -> str:
    """Return a piece of clothing advice for a temperature in degrees Celsius."""
    if celsius < 0:
        return "Wear a winter coat"
    # Add the other cases here.
