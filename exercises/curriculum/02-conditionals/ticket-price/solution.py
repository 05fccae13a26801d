def ticket_price(age: int, is_student: bool) -> int:
    """Return the museum ticket price in dollars for a visitor."""
    if age < 0:
        raise ValueError("age cannot be negative")
    if age < 4:
        return 0
    if age <= 12:
        return 6
    if age >= 65:
        return 7
    if is_student:
        return 9
    return 12
