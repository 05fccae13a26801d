class Gradebook:
    """Keeps the grades of every student."""

    def __init__(self):
        pass

    def add_grade(self, student: str, grade: float) -> None:
        """Record one grade (0 to 100) for student."""
        raise NotImplementedError

    def average(self, student: str) -> float:
        """Return the average grade of student (KeyError if unknown)."""
        raise NotImplementedError

    def students(self) -> list[str]:
        """Return the names of the students, in alphabetical order."""
        raise NotImplementedError

    def best_student(self) -> str | None:
        """Return the student with the best average, or None if there is none."""
        raise NotImplementedError
