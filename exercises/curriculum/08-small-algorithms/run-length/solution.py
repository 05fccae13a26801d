DIGITS = "0123456789"


def compress(text: str) -> str:
    """Write every run of equal characters as the character followed by its length."""
    if not text:
        return ""
    pieces = []
    current, count = text[0], 1
    for char in text[1:]:
        if char == current:
            count += 1
        else:
            pieces.append(f"{current}{count}")
            current, count = char, 1
    pieces.append(f"{current}{count}")
    return "".join(pieces)


def expand(code: str) -> str:
    """Turn a code made by compress() back into the original text."""
    pieces = []
    position = 0
    while position < len(code):
        char = code[position]
        if char in DIGITS:
            raise ValueError("invalid code")
        end = position + 1
        while end < len(code) and code[end] in DIGITS:
            end += 1
        if end == position + 1:
            raise ValueError("invalid code")
        pieces.append(char * int(code[position + 1 : end]))
        position = end
    return "".join(pieces)
