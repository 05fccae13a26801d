class Rectangle:
    """A rectangle with a positive width and height."""

    def __init__(self, width: float, height: float):
        if width <= 0 or height <= 0:
            raise ValueError("sizes must be positive")
        self.width = width
        self.height = height

    def area(self) -> float:
        return self.width * self.height

    def perimeter(self) -> float:
        return 2 * (self.width + self.height)

    def is_square(self) -> bool:
        return self.width == self.height

    def scaled(self, factor: float) -> "Rectangle":
        return Rectangle(self.width * factor, self.height * factor)

    def __repr__(self) -> str:
        return f"Rectangle({self.width!r}, {self.height!r})"
