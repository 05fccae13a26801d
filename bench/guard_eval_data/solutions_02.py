"""Conditionals."""

SOLUTIONS = {
    "clothing-advice": [
        """def clothing_advice(celsius):
    if celsius >= 22:
        return "T-shirt weather"
    if celsius >= 12:
        return "A sweater is enough"
    if celsius >= 0:
        return "Bring a jacket"
    return "Wear a winter coat"
""",
        """LIMITS = [(0, "Wear a winter coat"), (12, "Bring a jacket"), (22, "A sweater is enough")]


def clothing_advice(celsius):
    for limit, advice in LIMITS:
        if celsius < limit:
            return advice
    return "T-shirt weather"
""",
        """import bisect


def clothing_advice(celsius):
    answers = ["Wear a winter coat", "Bring a jacket", "A sweater is enough", "T-shirt weather"]
    return answers[bisect.bisect_right([0, 12, 22], celsius)]
""",
        """def clothing_advice(celsius):
    return (
        "Wear a winter coat" if celsius < 0
        else "Bring a jacket" if celsius < 12
        else "A sweater is enough" if celsius < 22
        else "T-shirt weather"
    )
""",
        """def clothing_advice(celsius):
    level = (celsius >= 0) + (celsius >= 12) + (celsius >= 22)
    return {0: "Wear a winter coat", 1: "Bring a jacket",
            2: "A sweater is enough", 3: "T-shirt weather"}[level]
""",
    ],
    "letter-grade": [
        """def letter_grade(score):
    if not 0 <= score <= 100:
        raise ValueError("out of range")
    if score >= 90:
        return "A"
    for floor, letter in ((80, "B"), (70, "C"), (60, "D")):
        if score >= floor:
            return letter + ("+" if score % 10 > 6 else "")
    return "F"
""",
        """def letter_grade(score):
    if score < 0 or score > 100:
        raise ValueError(score)
    tens = score // 10
    if tens >= 9:
        return "A"
    if tens < 6:
        return "F"
    letter = {8: "B", 7: "C", 6: "D"}[tens]
    return letter + "+" if score % 10 in (7, 8, 9) else letter
""",
        """def letter_grade(score):
    if score not in range(0, 101):
        raise ValueError("bad score")
    letters = "FFFFFFDCBAA"
    letter = letters[score // 10]
    plus = letter in "BCD" and str(score)[-1] in "789"
    return letter + "+" * plus
""",
        """def letter_grade(score):
    if score > 100 or score < 0:
        raise ValueError
    if score >= 90:
        grade = "A"
    elif score >= 60:
        grade = chr(ord("D") - (score - 60) // 10)
        if score - (score // 10) * 10 >= 7:
            grade = grade + "+"
    else:
        grade = "F"
    return grade
""",
        """import bisect


def letter_grade(score):
    if not (0 <= score <= 100):
        raise ValueError("score")
    letter = "FDCBA"[bisect.bisect_right([60, 70, 80, 90], score)]
    if letter in ("B", "C", "D") and score % 10 >= 7:
        return f"{letter}+"
    return letter
""",
    ],
    "rock-paper-scissors": [
        """BEATS = {"rock": "scissors", "scissors": "paper", "paper": "rock"}


def winner(move1, move2):
    a, b = move1.strip().lower(), move2.strip().lower()
    if a not in BEATS or b not in BEATS:
        raise ValueError("unknown move")
    if a == b:
        return "draw"
    return "player 1" if BEATS[a] == b else "player 2"
""",
        """def winner(move1, move2):
    order = ["rock", "paper", "scissors"]
    a = move1.strip().lower()
    b = move2.strip().lower()
    if a not in order or b not in order:
        raise ValueError(a + " " + b)
    difference = (order.index(a) - order.index(b)) % 3
    return ["draw", "player 1", "player 2"][difference]
""",
        """def winner(move1, move2):
    moves = [m.strip().lower() for m in (move1, move2)]
    for m in moves:
        if m not in ("rock", "paper", "scissors"):
            raise ValueError("bad move " + m)
    if moves[0] == moves[1]:
        return "draw"
    wins = [("rock", "scissors"), ("scissors", "paper"), ("paper", "rock")]
    if tuple(moves) in wins:
        return "player 1"
    return "player 2"
""",
        """def winner(move1, move2):
    first, second = move1.lower().strip(), move2.lower().strip()
    valid = {"rock", "paper", "scissors"}
    if not {first, second} <= valid:
        raise ValueError("invalid")
    if first == second:
        result = "draw"
    elif first + second in ("rockscissors", "scissorspaper", "paperrock"):
        result = "player 1"
    else:
        result = "player 2"
    return result
""",
        """def winner(move1, move2):
    p1 = move1.strip().lower()
    p2 = move2.strip().lower()
    if p1 not in ["rock", "paper", "scissors"]:
        raise ValueError(p1)
    if p2 not in ["rock", "paper", "scissors"]:
        raise ValueError(p2)
    if p1 == p2:
        return "draw"
    if p1 == "rock":
        return "player 1" if p2 == "scissors" else "player 2"
    if p1 == "paper":
        return "player 1" if p2 == "rock" else "player 2"
    return "player 1" if p2 == "paper" else "player 2"
""",
    ],
    "ticket-price": [
        """def ticket_price(age, is_student):
    if age < 0:
        raise ValueError("negative age")
    if 4 <= age <= 12:
        return 6
    if age < 4:
        return 0
    if age > 64:
        return 7
    return 9 if is_student else 12
""",
        """BANDS = [(4, 0), (13, 6)]


def ticket_price(age, is_student):
    if age < 0:
        raise ValueError(age)
    for upper, price in BANDS:
        if age < upper:
            return price
    if age >= 65:
        return 7
    return [12, 9][bool(is_student)]
""",
        """def ticket_price(age, is_student):
    if age < 0:
        raise ValueError("age")
    elif age in range(0, 4):
        price = 0
    elif age in range(4, 13):
        price = 6
    elif age >= 65:
        price = 7
    elif is_student:
        price = 9
    else:
        price = 12
    return price
""",
        """def ticket_price(age, is_student):
    if age < 0:
        raise ValueError("bad age")
    adult = 12 - 3 * bool(is_student)
    return 0 if age < 4 else 6 if age < 13 else 7 if age >= 65 else adult
""",
        """import bisect


def ticket_price(age, is_student):
    if age < 0:
        raise ValueError("age must not be negative")
    prices = [0, 6, None, 7]
    price = prices[bisect.bisect_right([4, 13, 65], age)]
    if price is None:
        price = 9 if is_student else 12
    return price
""",
    ],
}
