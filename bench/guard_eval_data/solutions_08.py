# ruff: noqa: E501 - solutions are data, written as a student would
"""Small algorithms."""

SOLUTIONS = {
    "balanced-brackets": [
        """def is_balanced(text):
    pairs = {"(": ")", "[": "]", "{": "}"}
    expected = []
    for c in text:
        if c in pairs:
            expected.append(pairs[c])
        elif c in ")]}":
            if not expected or expected.pop() != c:
                return False
    return len(expected) == 0
""",
        """import re


def is_balanced(text):
    brackets = re.sub(r"[^()\\[\\]{}]", "", text)
    previous = None
    while brackets != previous:
        previous = brackets
        brackets = brackets.replace("()", "").replace("[]", "").replace("{}", "")
    return brackets == ""
""",
        """def is_balanced(text):
    stack = ""
    for char in text:
        if char in "([{":
            stack += char
        elif char in ")]}":
            if not stack or "([{".index(stack[-1]) != ")]}".index(char):
                return False
            stack = stack[:-1]
    return stack == ""
""",
        """OPEN, CLOSE = "([{", ")]}"


def is_balanced(text):
    depth = []
    for position, char in enumerate(text):
        if char in OPEN:
            depth.append(OPEN.index(char))
        elif char in CLOSE:
            if not depth:
                return False
            if depth[-1] != CLOSE.index(char):
                return False
            del depth[-1]
    return not depth
""",
        """from collections import deque


def is_balanced(text):
    waiting = deque()
    closing_for = dict(zip("([{", ")]}"))
    for symbol in text:
        if symbol in closing_for:
            waiting.append(closing_for[symbol])
        elif symbol in closing_for.values():
            if not waiting or waiting.pop() != symbol:
                return False
    return not waiting
""",
    ],
    "binary-search": [
        """def find_index(items, target):
    low, high = 0, len(items)
    while low < high:
        mid = (low + high) // 2
        if items[mid] < target:
            low = mid + 1
        else:
            high = mid
    if low < len(items) and items[low] == target:
        return low
    return -1
""",
        """def find_index(items, target, low=0, high=None):
    if high is None:
        high = len(items) - 1
    if low > high:
        return -1
    middle = (low + high) // 2
    if items[middle] == target:
        return middle
    if items[middle] < target:
        return find_index(items, target, middle + 1, high)
    return find_index(items, target, low, middle - 1)
""",
        """import bisect


def find_index(items, target):
    position = bisect.bisect_left(items, target)
    if position != len(items) and items[position] == target:
        return position
    return -1
""",
        """def find_index(items, target):
    start, size = 0, len(items)
    while size > 0:
        half = size // 2
        probe = items[start + half]
        if probe == target:
            return start + half
        if probe < target:
            start, size = start + half + 1, size - half - 1
        else:
            size = half
    return -1
""",
        """def find_index(items, target):
    lo = -1
    hi = len(items)
    while hi - lo > 1:
        mid = lo + (hi - lo) // 2
        if items[mid] <= target:
            lo = mid
        else:
            hi = mid
    return lo if lo >= 0 and items[lo] == target else -1
""",
    ],
    "caesar-cipher": [
        """import string


def encrypt(text, shift):
    k = shift % 26
    lower, upper = string.ascii_lowercase, string.ascii_uppercase
    table = str.maketrans(lower + upper, lower[k:] + lower[:k] + upper[k:] + upper[:k])
    return text.translate(table)


def decrypt(text, shift):
    return encrypt(text, 26 - shift % 26)
""",
        """def encrypt(text, shift):
    result = []
    for ch in text:
        if ch.isascii() and ch.islower():
            result.append(chr((ord(ch) - 97 + shift) % 26 + 97))
        elif ch.isascii() and ch.isupper():
            result.append(chr((ord(ch) - 65 + shift) % 26 + 65))
        else:
            result.append(ch)
    return "".join(result)


def decrypt(text, shift):
    return encrypt(text, -shift)
""",
        """LOWER = "abcdefghijklmnopqrstuvwxyz"
UPPER = LOWER.upper()


def rotate(char, shift):
    for alphabet in (LOWER, UPPER):
        if char in alphabet:
            return alphabet[(alphabet.index(char) + shift) % len(alphabet)]
    return char


def encrypt(text, shift):
    return "".join(map(lambda c: rotate(c, shift), text))


def decrypt(text, shift):
    return "".join(rotate(c, -shift) for c in text)
""",
        """def encrypt(text, shift):
    out = ""
    for c in text:
        code = ord(c)
        if 65 <= code <= 90:
            out += chr(65 + (code - 65 + shift) % 26)
        elif 97 <= code <= 122:
            out += chr(97 + (code - 97 + shift) % 26)
        else:
            out += c
    return out


def decrypt(text, shift):
    return encrypt(text, 26 - (shift % 26))
""",
        """import string


def _shifted(alphabet, shift):
    shift %= len(alphabet)
    return alphabet[shift:] + alphabet[:shift]


def encrypt(text, shift):
    source = string.ascii_lowercase + string.ascii_uppercase
    target = _shifted(string.ascii_lowercase, shift) + _shifted(string.ascii_uppercase, shift)
    mapping = dict(zip(source, target))
    return "".join(mapping.get(c, c) for c in text)


def decrypt(text, shift):
    return encrypt(text, -shift)
""",
    ],
    "merge-sorted": [
        """def merge_sorted(left, right):
    result = []
    a, b = list(left), list(right)
    i = j = 0
    while i < len(a) or j < len(b):
        if j >= len(b) or (i < len(a) and a[i] <= b[j]):
            result.append(a[i])
            i += 1
        else:
            result.append(b[j])
            j += 1
    return result
""",
        """import heapq


def merge_sorted(left, right):
    return list(heapq.merge(left, right))
""",
        """from collections import deque


def merge_sorted(left, right):
    a, b = deque(left), deque(right)
    out = []
    while a and b:
        out.append(a.popleft() if a[0] <= b[0] else b.popleft())
    out.extend(a)
    out.extend(b)
    return out
""",
        """def merge_sorted(left, right):
    merged = [None] * (len(left) + len(right))
    i = j = 0
    for k in range(len(merged)):
        if i < len(left) and (j == len(right) or left[i] <= right[j]):
            merged[k] = left[i]
            i += 1
        else:
            merged[k] = right[j]
            j += 1
    return merged
""",
        """def merge_sorted(left, right):
    out = []
    li, ri = iter(left), iter(right)
    end = object()
    x, y = next(li, end), next(ri, end)
    while x is not end and y is not end:
        if y < x:
            out.append(y)
            y = next(ri, end)
        else:
            out.append(x)
            x = next(li, end)
    if x is not end:
        out.append(x)
        out.extend(li)
    if y is not end:
        out.append(y)
        out.extend(ri)
    return out
""",
    ],
    "roman-numerals": [
        """def to_roman(number):
    if number < 1 or number > 3999:
        raise ValueError("out of range")
    values = [1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1]
    letters = ["M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"]
    out = ""
    i = 0
    while number > 0:
        while number >= values[i]:
            out += letters[i]
            number -= values[i]
        i += 1
    return out
""",
        """def to_roman(number):
    if not 0 < number < 4000:
        raise ValueError(number)
    thousands = ["", "M", "MM", "MMM"]
    hundreds = ["", "C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM"]
    tens = ["", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"]
    ones = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]
    return (thousands[number // 1000] + hundreds[number // 100 % 10]
            + tens[number // 10 % 10] + ones[number % 10])
""",
        """def _digit(d, one, five, ten):
    if d == 9:
        return one + ten
    if d >= 5:
        return five + one * (d - 5)
    if d == 4:
        return one + five
    return one * d


def to_roman(number):
    if number not in range(1, 4000):
        raise ValueError("1..3999 only")
    return ("M" * (number // 1000) + _digit(number // 100 % 10, "C", "D", "M")
            + _digit(number // 10 % 10, "X", "L", "C") + _digit(number % 10, "I", "V", "X"))
""",
        """NUMERALS = {1000: "M", 900: "CM", 500: "D", 400: "CD", 100: "C", 90: "XC",
            50: "L", 40: "XL", 10: "X", 9: "IX", 5: "V", 4: "IV", 1: "I"}


def to_roman(number):
    if not 1 <= number <= 3999:
        raise ValueError("number must be between 1 and 3999")
    if number == 0:
        return ""
    for value in sorted(NUMERALS, reverse=True):
        if value <= number:
            return NUMERALS[value] + (to_roman(number - value) if number > value else "")
    return ""
""",
        """def to_roman(number):
    if number < 1 or number >= 4000:
        raise ValueError("bad number")
    text = "I" * number
    for small, big in (("IIIII", "V"), ("VV", "X"), ("XXXXX", "L"), ("LL", "C"),
                       ("CCCCC", "D"), ("DD", "M")):
        text = text.replace(small, big)
    for long, short in (("DCCCC", "CM"), ("CCCC", "CD"), ("LXXXX", "XC"), ("XXXX", "XL"),
                        ("VIIII", "IX"), ("IIII", "IV")):
        text = text.replace(long, short)
    return text
""",
    ],
    "run-length": [
        """import itertools
import re


def compress(text):
    return "".join(f"{char}{len(list(run))}" for char, run in itertools.groupby(text))


def expand(code):
    if re.fullmatch(r"(?:\\D\\d+)*", code) is None:
        raise ValueError("invalid code")
    return "".join(char * int(count) for char, count in re.findall(r"(\\D)(\\d+)", code))
""",
        """def compress(text):
    out = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] == text[i]:
            j += 1
        out.append(text[i] + str(j - i))
        i = j
    return "".join(out)


def expand(code):
    result = []
    char, digits = None, ""
    for c in code:
        if c.isdigit() and c in "0123456789":
            if char is None:
                raise ValueError("a count without a character")
            digits += c
        else:
            if char is not None:
                if not digits:
                    raise ValueError("a character without a count")
                result.append(char * int(digits))
            char, digits = c, ""
    if char is not None:
        if not digits:
            raise ValueError("missing count")
        result.append(char * int(digits))
    return "".join(result)
""",
        """import re


def compress(text):
    return "".join(m.group(0)[0] + str(len(m.group(0))) for m in re.finditer(r"(.)\\1*", text, re.S))


def expand(code):
    pieces = re.findall(r"(\\D)(\\d+)", code)
    if "".join(c + n for c, n in pieces) != code:
        raise ValueError("invalid code")
    return "".join(c * int(n) for c, n in pieces)
""",
        """def compress(text):
    if text == "":
        return ""
    first = text[0]
    length = len(text) - len(text.lstrip(first))
    return first + str(length) + compress(text[length:]) if len(text) < 400 else _loop(text)


def _loop(text):
    parts, run, count = [], text[0], 0
    for c in text:
        if c == run:
            count += 1
        else:
            parts.append(run + str(count))
            run, count = c, 1
    parts.append(run + str(count))
    return "".join(parts)


def expand(code):
    out, i = [], 0
    while i < len(code):
        char = code[i]
        if char in "0123456789":
            raise ValueError("invalid code")
        i += 1
        start = i
        while i < len(code) and code[i] in "0123456789":
            i += 1
        if i == start:
            raise ValueError("invalid code")
        out.append(char * int(code[start:i]))
    return "".join(out)
""",
        """from itertools import groupby

NUMBERS = set("0123456789")


def compress(text):
    encoded = ""
    for char, group in groupby(text):
        encoded += char + str(sum(1 for _ in group))
    return encoded


def expand(code):
    tokens = [(key, "".join(chars)) for key, chars in groupby(code, key=lambda c: c in NUMBERS)]
    if not tokens:
        return ""
    if tokens[0][0]:
        raise ValueError("invalid code")
    text = ""
    for index in range(0, len(tokens), 2):
        letters = tokens[index][1]
        if index + 1 >= len(tokens):
            raise ValueError("invalid code")
        count = int(tokens[index + 1][1])
        for letter in letters[:-1]:
            raise ValueError("invalid code")
        text += letters[-1] * count
    return text
""",
    ],
}
