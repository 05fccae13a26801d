"""Held-out bugs for bench/localise_eval.py: written by hand, in the shapes novices write them,
BEFORE any tuning of tutor/grounding/localise.py on this branch, and never tuned on.

Each program is a whole student file for a bundled curriculum exercise, written unlike the
reference solution (other names, other loop shapes) and unlike tutor/grounding/mutants.py's
single-token edits: wrong loop bounds, missing cases, wrong variables, mis-indentation, early
returns, loops that never end, and syntax slips. The line of the bug carries the marker
`# <-bug`, which the loader takes off (with the spaces before it) before the program is run;
for a missing case it marks the line where the case belongs (the condition that should handle
it, or the line after which it is missing). Written for this project (the same licence as it).

Public sets of real novice bugs (e.g. the ones the issue's figures came from) need their own
exercises and tests and could not be fetched here (no network at run time); a deployment can
add its own students' bugs in this same shape.
"""

KINDS = (
    "wrong_bound",
    "missing_case",
    "wrong_variable",
    "mis_indentation",
    "early_return",
    "infinite_loop",
    "syntax_slip",
)

# (slug, kind, program with the marker)
BUGS: list[tuple[str, str, str]] = [
    # --- wrong loop bounds -------------------------------------------------------------------
    (
        "rocket-countdown",
        "wrong_bound",
        """def countdown(start):
    if start < 0:
        raise ValueError("no negative starts")
    out = ""
    for i in range(start, 1, -1):  # <-bug
        out = out + str(i) + "... "
    return out + "Liftoff!"
""",
    ),
    (
        "tick-tock-boom",
        "wrong_bound",
        """def tick_tock_boom(limit):
    result = []
    for n in range(1, limit):  # <-bug
        s = ""
        if n % 3 == 0:
            s += "Tick"
        if n % 5 == 0:
            s += "Tock"
        if n % 7 == 0:
            s += "Boom"
        if s == "":
            s = str(n)
        result.append(s)
    return result
""",
    ),
    (
        "binary-search",
        "wrong_bound",
        """def find_index(items, target):
    lo = 0
    hi = len(items) - 1
    while lo < hi:  # <-bug
        mid = (lo + hi) // 2
        if items[mid] == target:
            return mid
        elif items[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1
""",
    ),
    (
        "digit-sum",
        "wrong_bound",
        """def digit_sum(n):
    n = abs(n)
    s = 0
    for ch in str(n)[1:]:  # <-bug
        s += int(ch)
    return s


def digital_root(n):
    n = abs(n)
    while n > 9:
        n = digit_sum(n)
    return n
""",
    ),
    (
        "run-length",
        "wrong_bound",
        """def compress(text):
    if text == "":
        return ""
    result = ""
    i = 0
    while i < len(text):
        j = i
        while j < len(text) - 1 and text[j] == text[i]:  # <-bug
            j += 1
        result += text[i] + str(j - i)
        i = j
    return result


def expand(code):
    out = ""
    i = 0
    while i < len(code):
        ch = code[i]
        if ch.isdigit():
            raise ValueError("bad")
        j = i + 1
        while j < len(code) and code[j].isdigit():
            j += 1
        if j == i + 1:
            raise ValueError("bad")
        out += ch * int(code[i + 1:j])
        i = j
    return out
""",
    ),
    # --- missing cases -----------------------------------------------------------------------
    (
        "letter-grade",
        "missing_case",
        """def letter_grade(score):
    if score < 0 or score > 100:
        raise ValueError("bad score")
    if score >= 90:
        return "A"
    if score >= 80:
        grade = "B"
    elif score >= 70:
        grade = "C"
    else:  # <-bug
        grade = "D"
    if score % 10 >= 7:
        grade = grade + "+"
    return grade
""",
    ),
    (
        "password-strength",
        "missing_case",
        """def password_strength(password):
    if len(password) < 8:
        return "weak"
    lower = upper = digit = other = 0
    for c in password:
        if c.islower():
            lower = 1
        elif c.isupper():
            upper = 1
        elif c.isdigit():  # <-bug
            digit = 1
    kinds = lower + upper + digit + other
    if kinds == 4:
        return "strong"
    elif kinds >= 2:
        return "medium"
    return "weak"
""",
    ),
    (
        "ticket-price",
        "missing_case",
        """def ticket_price(age, is_student):
    if age < 0:
        raise ValueError("negative age")
    if age <= 3:
        return 0
    elif age <= 12:
        return 6
    elif is_student:  # <-bug
        return 9
    else:
        return 12
""",
    ),
    (
        "ramp-robot",
        "missing_case",
        """def minutes_to_top(length, climb, slip):
    if length <= 0:
        return 0
    if climb <= slip and climb < length:
        raise ValueError("never")
    pos = 0
    t = 0
    while pos < length:
        t += 1
        pos = pos + climb - slip  # <-bug
    return t
""",
    ),
    (
        "balanced-brackets",
        "missing_case",
        """def is_balanced(text):
    pairs = {")": "(", "]": "[", "}": "{"}
    stack = []
    for ch in text:
        if ch in "([{":
            stack.append(ch)
        elif ch in pairs:
            if stack.pop() != pairs[ch]:  # <-bug
                return False
    return len(stack) == 0
""",
    ),
    # --- wrong variable ----------------------------------------------------------------------
    (
        "remove-duplicates",
        "wrong_variable",
        """def remove_duplicates(items):
    seen = []
    unique = []
    for x in items:
        if x not in unique:
            seen.append(x)
            unique.append(seen)  # <-bug
    return unique
""",
    ),
    (
        "count-matching",
        "wrong_variable",
        """def count_matching(items, predicate=None):
    total = 0
    for thing in items:
        if predicate is None:
            ok = bool(thing)
        else:
            ok = predicate(items)  # <-bug
        if ok:
            total += 1
    return total
""",
    ),
    (
        "digit-sum",
        "wrong_variable",
        """def digit_sum(n):
    n = abs(n)
    total = 0
    while n > 0:
        last = n % 10
        total += n  # <-bug
        n = n // 10
    return total


def digital_root(n):
    n = abs(n)
    while n >= 10:
        n = digit_sum(n)
    return n
""",
    ),
    (
        "roman-numerals",
        "wrong_variable",
        """def to_roman(number):
    if number < 1 or number > 3999:
        raise ValueError("out of range")
    values = [1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1]
    letters = ["M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"]
    answer = ""
    for i in range(len(values)):
        while number >= values[i]:
            answer += letters[i]
            number -= values[0]  # <-bug
    return answer
""",
    ),
    (
        "group-by-length",
        "wrong_variable",
        """def group_by_length(words):
    groups = {}
    for w in words:
        size = len(w)
        if size not in groups:
            groups[size] = []
        groups[size].append(size)  # <-bug
    return groups
""",
    ),
    # --- mis-indentation ---------------------------------------------------------------------
    (
        "tick-tock-boom",
        "mis_indentation",
        """def tick_tock_boom(limit):
    said = []
    for number in range(1, limit + 1):
        word = ""
        for divisor, sound in ((3, "Tick"), (5, "Tock"), (7, "Boom")):
            if number % divisor == 0:
                word += sound
            said.append(word or str(number))  # <-bug
    return said
""",
    ),
    (
        "remove-duplicates",
        "mis_indentation",
        """def remove_duplicates(items):
    seen = set()
    result = []
    for item in items:
        if item not in seen:
            seen.add(item)
        result.append(item)  # <-bug
    return result
""",
    ),
    (
        "count-matching",
        "mis_indentation",
        """def count_matching(items, predicate=None):
    if predicate is None:
        predicate = bool
    count = 0
    for item in items:
        if predicate(item):
            count += 1
        return count  # <-bug
""",
    ),
    (
        "digit-sum",
        "mis_indentation",
        """def digit_sum(n):
    n = abs(n)
    total = 0
    while n > 0:
        total += n % 10
    n //= 10  # <-bug
    return total


def digital_root(n):
    n = abs(n)
    while n >= 10:
        n = digit_sum(n)
    return n
""",
    ),
    (
        "password-strength",
        "mis_indentation",
        """def password_strength(password):
    if len(password) < 8:
        return "weak"
    kinds = set()
    for c in password:
        if c.islower():
            kinds.add("lower")
        elif c.isupper():
            kinds.add("upper")
        elif c.isdigit():
            kinds.add("digit")
        else:
            kinds.add("other")
        if len(kinds) == 4:  # <-bug
            return "strong"
    if len(kinds) >= 2:
        return "medium"
    return "weak"
""",
    ),
    # --- early return ------------------------------------------------------------------------
    (
        "remove-duplicates",
        "early_return",
        """def remove_duplicates(items):
    result = []
    for item in items:
        if item in result:
            return result  # <-bug
        result.append(item)
    return result
""",
    ),
    (
        "balanced-brackets",
        "early_return",
        """def is_balanced(text):
    stack = []
    for ch in text:
        if ch in "([{":
            stack.append(ch)
        elif ch in ")]}":
            if not stack:
                return False
            top = stack.pop()
            if (top, ch) in (("(", ")"), ("[", "]"), ("{", "}")):
                return True  # <-bug
            return False
    return not stack
""",
    ),
    (
        "count-matching",
        "early_return",
        """def count_matching(items, predicate=None):
    if predicate is None:
        predicate = bool
    n = 0
    for item in items:
        if not predicate(item):
            return n  # <-bug
        n += 1
    return n
""",
    ),
    (
        "tick-tock-boom",
        "early_return",
        """def tick_tock_boom(limit):
    out = []
    for number in range(1, limit + 1):
        if number % 3 == 0:
            out.append("Tick")
            continue  # <-bug
        word = ""
        if number % 5 == 0:
            word += "Tock"
        if number % 7 == 0:
            word += "Boom"
        out.append(word or str(number))
    return out
""",
    ),
    # --- loops that never end ----------------------------------------------------------------
    (
        "digit-sum",
        "infinite_loop",
        """def digit_sum(n):
    n = abs(n)
    total = 0
    while n > 0:
        total += n % 10
        n / 10  # <-bug
    return total


def digital_root(n):
    n = abs(n)
    while n >= 10:
        n = digit_sum(n)
    return n
""",
    ),
    (
        "binary-search",
        "infinite_loop",
        """def find_index(items, target):
    low, high = 0, len(items) - 1
    while low <= high:
        middle = (low + high) // 2
        if items[middle] == target:
            return middle
        if items[middle] < target:
            low = middle  # <-bug
        else:
            high = middle - 1
    return -1
""",
    ),
    (
        "ramp-robot",
        "infinite_loop",
        """def minutes_to_top(length, climb, slip):
    if length <= 0:
        return 0
    position = 0
    minutes = 0
    while position < length:  # <-bug
        minutes += 1
        position += climb
        if position >= length:
            break
        position -= slip
    return minutes
""",
    ),
    (
        "run-length",
        "infinite_loop",
        """def compress(text):
    if not text:
        return ""
    pieces = []
    current, count = text[0], 1
    for char in text[1:]:
        if char == current:
            count += 1
        else:
            pieces.append(current + str(count))
            current, count = char, 1
    pieces.append(current + str(count))
    return "".join(pieces)


def expand(code):
    pieces = []
    position = 0
    while position < len(code):
        char = code[position]
        end = position + 1
        while end < len(code) and code[end].isdigit():
            end += 1
        pieces.append(char * int(code[position + 1:end]))  # <-bug
    return "".join(pieces)
""",
    ),
    # --- syntax slips ------------------------------------------------------------------------
    (
        "count-matching",
        "syntax_slip",
        """def count_matching(items, predicate=None):
    if predicate is None:
        predicate = bool
    count = 0
    for item in items:
        if predicate(item):
            count++  # <-bug
    return count
""",
    ),
    (
        "letter-grade",
        "syntax_slip",
        """def letter_grade(score):
    if score < 0 or score > 100:
        raise ValueError("bad score")
    if score >= 90:
        return "A"
    if score < 60:
        return "F"
    if score >= 80:
        letter = "B"
    elif score >= 70  # <-bug
        letter = "C"
    else:
        letter = "D"
    if score % 10 >= 7:
        letter += "+"
    return letter
""",
    ),
    (
        "digit-sum",
        "syntax_slip",
        """def digit_sum(n):
    n = abs(n)
    total = 0
    while n > 0:
        total += (n % 10  # <-bug
        n //= 10
    return total


def digital_root(n):
    n = abs(n)
    while n >= 10:
        n = digit_sum(n)
    return n
""",
    ),
    (
        "remove-duplicates",
        "syntax_slip",
        """def remove_duplicates(items):
    seen = set()
    result = []
    for item in items:
        if item not in seen:
            seen.add(item)
            result.append(item)
      return result  # <-bug
""",
    ),
    (
        "rocket-countdown",
        "syntax_slip",
        """def countdown(start):
    if start < 0:
        raise ValueError("negative")
    text = ""
    for number in range(start, 0, -1):
        text += f"{number}... "
    return text + "Liftoff!  # <-bug
""",
    ),
]
