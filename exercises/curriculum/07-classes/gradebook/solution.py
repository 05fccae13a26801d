class Gradebook:
    """Keeps the grades of every student."""

    def __init__(self):
        self._grades: dict[str, list[float]] = {}

    def add_grade(self, student: str, grade: float) -> None:
        """Record one grade (0 to 100) for student."""
        if not 0 <= grade <= 100:
            raise ValueError("grade must be between 0 and 100")
        self._grades.setdefault(student, []).append(grade)

    def average(self, student: str) -> float:
        """Return the average grade of student (KeyError if unknown)."""
        grades = self._grades[student]
        return sum(grades) / len(grades)

    def students(self) -> list[str]:
        """Return the names of the students, in alphabetical order."""
        return sorted(self._grades)

    def best_student(self) -> str | None:
        """Return the student with the best average, or None if there is none."""
        if not self._grades:
            return None
        return min(self._grades, key=lambda name: (-self.average(name), name))
