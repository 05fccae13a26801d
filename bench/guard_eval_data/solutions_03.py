"""Loops."""

SOLUTIONS = {
    "digit-sum": [
        """def digit_sum(n):
    return sum(int(d) for d in str(abs(n)))


def digital_root(n):
    n = abs(n)
    while len(str(n)) > 1:
        n = digit_sum(n)
    return n
""",
        """def digit_sum(n):
    n = abs(n)
    if n < 10:
        return n
    return n % 10 + digit_sum(n // 10)


def digital_root(n):
    total = digit_sum(n)
    return total if total < 10 else digital_root(total)
""",
        """def digit_sum(n):
    total = 0
    for char in str(n):
        if char.isdigit():
            total += int(char)
    return total


def digital_root(n):
    n = abs(n)
    if n == 0:
        return 0
    return 1 + (n - 1) % 9
""",
        """def digit_sum(n):
    return sum(map(int, str(abs(n))))


def digital_root(n):
    value = digit_sum(n)
    while value >= 10:
        value = digit_sum(value)
    return value
""",
        """def digit_sum(n):
    n, total = abs(n), 0
    while n:
        n, last = divmod(n, 10)
        total += last
    return total


def digital_root(n):
    seen = abs(n)
    while seen > 9:
        seen = sum(divmod(seen, 10)) if seen < 100 else digit_sum(seen)
    return seen
""",
    ],
    "password-strength": [
        """def password_strength(password):
    if len(password) < 8:
        return "weak"
    kinds = set()
    for c in password:
        if c.islower():
            kinds.add("lower")
        elif c.isupper():
            kinds.add("upper")
        elif c in "0123456789":
            kinds.add("digit")
        else:
            kinds.add("other")
    if len(kinds) == 4:
        return "strong"
    return "medium" if len(kinds) >= 2 else "weak"
""",
        """def password_strength(password):
    if len(password) < 8:
        return "weak"
    lower = any(c.islower() for c in password)
    upper = any(c.isupper() for c in password)
    digit = any(c in "0123456789" for c in password)
    other = any(not (c.islower() or c.isupper() or c in "0123456789") for c in password)
    count = lower + upper + digit + other
    return ["weak", "weak", "medium", "medium", "strong"][count]
""",
        """def _kind(c):
    if c.islower():
        return 0
    if c.isupper():
        return 1
    if c in "0123456789":
        return 2
    return 3


def password_strength(password):
    if len(password) < 8:
        return "weak"
    found = len({_kind(c) for c in password})
    if found == 4:
        return "strong"
    if found > 1:
        return "medium"
    return "weak"
""",
        """def password_strength(password):
    if len(password) < 8:
        return "weak"
    flags = [False, False, False, False]
    i = 0
    while i < len(password):
        c = password[i]
        index = 0 if c.islower() else 1 if c.isupper() else 2 if c in "0123456789" else 3
        flags[index] = True
        i += 1
    total = flags.count(True)
    return "strong" if total == 4 else ("medium" if total >= 2 else "weak")
""",
        """import string


def password_strength(password):
    if len(password) < 8:
        return "weak"
    groups = 0
    rest = [c for c in password if not (c.islower() or c.isupper() or c in string.digits)]
    for test in (str.islower, str.isupper):
        if any(test(c) for c in password):
            groups += 1
    if any(c in string.digits for c in password):
        groups += 1
    if rest:
        groups += 1
    return {4: "strong", 3: "medium", 2: "medium"}.get(groups, "weak")
""",
    ],
    "ramp-robot": [
        """def minutes_to_top(length, climb, slip):
    if length <= 0:
        return 0
    if climb >= length:
        return 1
    if climb <= slip:
        raise ValueError("never")
    gain = climb - slip
    rounds = -(-(length - climb) // gain)
    return rounds + 1
""",
        """def minutes_to_top(length, climb, slip):
    if length <= 0:
        return 0
    if climb <= slip and climb < length:
        raise ValueError("the robot never reaches the top")
    height, minute = 0, 0
    while height + climb < length:
        height += climb - slip
        minute += 1
    return minute + 1
""",
        """import math


def minutes_to_top(length, climb, slip):
    if length <= 0:
        return 0
    if climb >= length:
        return 1
    if climb - slip <= 0:
        raise ValueError("no progress")
    return math.ceil((length - climb) / (climb - slip)) + 1
""",
        """def minutes_to_top(length, climb, slip, position=0, minutes=0):
    if length <= 0:
        return 0
    if climb <= slip and climb < length:
        raise ValueError("stuck")
    for minute in range(1, 10**9):
        position += climb
        if position >= length:
            return minute
        position -= slip
    return -1
""",
        """def minutes_to_top(length, climb, slip):
    if length <= 0:
        return 0
    if climb < length and slip >= climb:
        raise ValueError("it slides back as much as it climbs")
    count = 1
    top_after = climb
    while top_after < length:
        count += 1
        top_after += climb - slip
    return count
""",
    ],
    "rocket-countdown": [
        """def countdown(start):
    if start < 0:
        raise ValueError("negative")
    return "".join(f"{n}... " for n in range(start, 0, -1)) + "Liftoff!"
""",
        """def countdown(start):
    if start < 0:
        raise ValueError("negative start")
    words = [str(n) + "..." for n in reversed(range(1, start + 1))]
    words.append("Liftoff!")
    return " ".join(words)
""",
        """def countdown(start):
    if start < 0:
        raise ValueError(start)
    parts = []
    n = start
    while n > 0:
        parts.append(str(n) + "...")
        n -= 1
    parts.append("Liftoff!")
    return " ".join(parts)
""",
        """def countdown(start):
    if start < 0:
        raise ValueError("start")
    numbers = list(range(1, start + 1))
    numbers.reverse()
    return "".join(map(lambda n: "%d... " % n, numbers)) + "Liftoff!"
""",
        """def countdown(start):
    if start < 0:
        raise ValueError("cannot count down from below zero")
    text = "Liftoff!"
    for number in range(1, start + 1):
        text = f"{number}... " + text
    return text
""",
    ],
    "tick-tock-boom": [
        """def tick_tock_boom(limit):
    result = []
    for n in range(1, limit + 1):
        word = ("Tick" if n % 3 == 0 else "") + ("Tock" if n % 5 == 0 else "") \\
            + ("Boom" if n % 7 == 0 else "")
        result.append(word if word else str(n))
    return result
""",
        """def say(n):
    word = "".join(sound for d, sound in [(3, "Tick"), (5, "Tock"), (7, "Boom")] if n % d == 0)
    return word or str(n)


def tick_tock_boom(limit):
    return [say(n) for n in range(1, limit + 1)]
""",
        """def tick_tock_boom(limit):
    words = [""] * (max(limit, 0) + 1)
    for step, sound in ((3, "Tick"), (5, "Tock"), (7, "Boom")):
        for k in range(step, limit + 1, step):
            words[k] += sound
    return [words[n] or str(n) for n in range(1, limit + 1)]
""",
        """def tick_tock_boom(limit):
    said = []
    n = 1
    while n <= limit:
        parts = []
        if not n % 3:
            parts.append("Tick")
        if not n % 5:
            parts.append("Tock")
        if not n % 7:
            parts.append("Boom")
        said.append("".join(parts) if parts else f"{n}")
        n += 1
    return said
""",
        """def tick_tock_boom(limit):
    words = {3: "Tick", 5: "Tock", 7: "Boom"}
    return list(map(
        lambda n: "".join(words[d] for d in sorted(words) if n % d == 0) or str(n),
        range(1, limit + 1),
    ))
""",
    ],
}
