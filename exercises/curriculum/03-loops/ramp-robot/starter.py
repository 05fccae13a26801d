def minutes_to_top(length: int, climb: int, slip: int) -> int:
    """Return how many minutes the robot needs to reach the top of the ramp."""
    minutes = 0
    # Simulate the robot minute by minute with a while loop:
    # keep track of its position and of the minutes that pass.
    return minutes
