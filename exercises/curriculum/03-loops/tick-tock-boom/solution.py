RULES = ((3, "Tick"), (5, "Tock"), (7, "Boom"))


def tick_tock_boom(limit: int) -> list[str]:
    """Return what the players say for the numbers 1 to limit."""
    said = []
    for number in range(1, limit + 1):
        word = ""
        for divisor, sound in RULES:
            if number % divisor == 0:
                word += sound
        said.append(word or str(number))
    return said
