def transpose(matrix: list[list]) -> list[list]:
    """Return a new matrix whose rows are the columns of matrix."""
    if not matrix:
        return []
    width = len(matrix[0])
    if any(len(row) != width for row in matrix):
        raise ValueError("all rows must have the same length")
    return [[row[column] for row in matrix] for column in range(width)]
