def minutes_to_top(length: int, climb: int, slip: int) -> int:
    """Return how many minutes the robot needs to reach the top of the ramp."""
    if length <= 0:
        return 0
    if climb <= slip and climb < length:
        raise ValueError("the robot never reaches the top")

    position = 0
    minutes = 0
    while True:
        minutes += 1
        position += climb
        if position >= length:
            return minutes
        position -= slip
