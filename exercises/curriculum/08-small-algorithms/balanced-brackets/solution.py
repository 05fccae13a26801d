PARTNERS = {")": "(", "]": "[", "}": "{"}
OPENING = set(PARTNERS.values())


def is_balanced(text: str) -> bool:
    """Return True if the (), [] and {} brackets in text are properly matched."""
    stack = []
    for char in text:
        if char in OPENING:
            stack.append(char)
        elif char in PARTNERS:
            if not stack or stack.pop() != PARTNERS[char]:
                return False
    return not stack
