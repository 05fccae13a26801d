def clothing_advice(celsius: float) -> str:
    """Return a piece of clothing advice for a temperature in degrees Celsius."""
    if celsius < 0:
        return "Wear a winter coat"
    elif celsius < 12:
        return "Bring a jacket"
    elif celsius < 22:
        return "A sweater is enough"
    else:
        return "T-shirt weather"
