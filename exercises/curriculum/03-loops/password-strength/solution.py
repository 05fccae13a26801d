def password_strength(password: str) -> str:
    """Return 'weak', 'medium' or 'strong' for a password."""
    if len(password) < 8:
        return "weak"

    has_lower = has_upper = has_digit = has_other = False
    for char in password:
        if char.islower():
            has_lower = True
        elif char.isupper():
            has_upper = True
        elif char in "0123456789":
            has_digit = True
        else:
            has_other = True

    kinds = sum([has_lower, has_upper, has_digit, has_other])
    if kinds == 4:
        return "strong"
    if kinds >= 2:
        return "medium"
    return "weak"
