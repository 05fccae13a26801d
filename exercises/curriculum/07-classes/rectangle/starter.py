class Rectangle:
    """A rectangle with a positive width and height."""

    def __init__(self, width: float, height: float):
        # TODO: refuse sizes that are not positive.
        self.width = width
        self.height = height

    def area(self) -> float:
        raise NotImplementedError

    def perimeter(self) -> float:
        raise NotImplementedError

    def is_square(self) -> bool:
        raise NotImplementedError

    def scaled(self, factor: float) -> "Rectangle":
        raise NotImplementedError

    def __repr__(self) -> str:
        return "Rectangle(?, ?)"
