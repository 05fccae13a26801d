def convert_temperature(value: float, to: str = "F") -> float:
    """Convert Celsius to Fahrenheit (to="F") or Fahrenheit to Celsius (to="C")."""
    if to == "F":
        result = value * 9 / 5 + 32
    elif to == "C":
        result = (value - 32) * 5 / 9
    else:
        raise ValueError("to must be 'F' or 'C'")
    return round(result, 1)
