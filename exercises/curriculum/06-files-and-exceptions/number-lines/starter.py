def number_lines(source: str, target: str) -> int:
    """Copy source to a new file target with a line number in front of every line."""
    raise NotImplementedError("write number_lines()")
