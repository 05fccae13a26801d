def letter_grade(score: int) -> str:
    """Return the letter grade ('A', 'B+', 'B', ... 'F') for a score from 0 to 100."""
    if score < 0 or score > 100:
        raise ValueError("score must be between 0 and 100")
    if score >= 90:
        return "A"
    if score < 60:
        return "F"

    if score >= 80:
        letter = "B"
    elif score >= 70:
        letter = "C"
    else:
        letter = "D"
    if score % 10 >= 7:
        letter += "+"
    return letter
