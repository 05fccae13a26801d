def encrypt(text: str, shift: int) -> str:
    """Shift every English letter of text by shift places, keeping its case."""
    # TODO: build a new text, shifting each letter and keeping the other characters.
    return text  # placeholder: nothing is shifted yet


def decrypt(text: str, shift: int) -> str:
    """Undo encrypt(text, shift)."""
    return text
