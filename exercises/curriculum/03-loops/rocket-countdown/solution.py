def countdown(start: int) -> str:
    """Return a countdown such as '3... 2... 1... Liftoff!'."""
    if start < 0:
        raise ValueError("start cannot be negative")
    text = ""
    for number in range(start, 0, -1):
        text += f"{number}... "
    return text + "Liftoff!"
