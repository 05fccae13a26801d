MOVES = ("rock", "paper", "scissors")


def winner(move1: str, move2: str) -> str:
    """Return 'player 1', 'player 2' or 'draw' for a game of rock, paper, scissors."""
    first = move1.strip().lower()
    second = move2.strip().lower()
    if first not in MOVES or second not in MOVES:
        raise ValueError("unknown move")

    if first == second:
        return "draw"
    if (
        (first == "rock" and second == "scissors")
        or (first == "scissors" and second == "paper")
        or (first == "paper" and second == "rock")
    ):
        return "player 1"
    return "player 2"
