def digit_sum(n: int) -> int:
    """Return the sum of the digits of n (ignoring a minus sign)."""
    total = 0
    # Loop over the digits of n and add them to total.
    return total


def digital_root(n: int) -> int:
    """Return the single digit left after repeatedly summing the digits of n."""
    # Hint: you can call digit_sum() from here.
    return n
