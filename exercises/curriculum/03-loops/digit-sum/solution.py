def digit_sum(n: int) -> int:
    """Return the sum of the digits of n (ignoring a minus sign)."""
    n = abs(n)
    total = 0
    while n > 0:
        total += n % 10
        n //= 10
    return total


def digital_root(n: int) -> int:
    """Return the single digit left after repeatedly summing the digits of n."""
    n = abs(n)
    while n >= 10:
        n = digit_sum(n)
    return n
