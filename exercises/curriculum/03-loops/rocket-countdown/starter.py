def countdown(start: int) -> str:
    """Return a countdown such as '3... 2... 1... Liftoff!'."""
    text = ""
    # Use a loop to add the numbers to text.
    return text
