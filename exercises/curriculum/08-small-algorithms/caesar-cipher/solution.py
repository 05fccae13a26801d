ALPHABET_SIZE = 26


def _shift_letter(char: str, shift: int) -> str:
    if "a" <= char <= "z":
        base = ord("a")
    elif "A" <= char <= "Z":
        base = ord("A")
    else:
        return char
    position = (ord(char) - base + shift) % ALPHABET_SIZE
    return chr(base + position)


def encrypt(text: str, shift: int) -> str:
    """Shift every English letter of text by shift places, keeping its case."""
    return "".join(_shift_letter(char, shift) for char in text)


def decrypt(text: str, shift: int) -> str:
    """Undo encrypt(text, shift)."""
    return encrypt(text, -shift)
