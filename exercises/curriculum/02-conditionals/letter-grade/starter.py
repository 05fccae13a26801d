def letter_grade(score: int) -> str:
    """Return the letter grade ('A', 'B+', 'B', ... 'F') for a score from 0 to 100."""
    raise NotImplementedError("write letter_grade()")
