def is_balanced(text: str) -> bool:
    """Return True if the (), [] and {} brackets in text are properly matched."""
    # TODO: push opening brackets on a stack (a list) and check each closing bracket
    # against the top of the stack. Just counting them, as below, is not enough:
    # think of "([)]".
    return text.count("(") == text.count(")")  # placeholder
