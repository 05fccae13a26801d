def password_strength(password: str) -> str:
    """Return 'weak', 'medium' or 'strong' for a password."""
    if len(password) < 8:
        return "weak"
    # Look at every character to find out which kinds are used.
    return "weak"
