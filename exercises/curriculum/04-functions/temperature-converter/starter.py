def convert_temperature(value: float, to: str = "F") -> float:
    """Convert Celsius to Fahrenheit (to="F") or Fahrenheit to Celsius (to="C")."""
    raise NotImplementedError("write convert_temperature()")
