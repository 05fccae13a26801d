def ticket_price(age: int, is_student: bool) -> int:
    """Return the museum ticket price in dollars for a visitor."""
    # TODO: check the age groups with if / elif / else.
    return 12  # placeholder: everybody pays the full price
