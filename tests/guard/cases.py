"""Crafted AI replies, each with the verdict the guard must reach."""

from dataclasses import dataclass, field

from tests.guard.conftest import exercises
from tutor.guard import VerdictName


@dataclass(frozen=True)
class Case:
    id: str
    slug: str
    reply: str
    verdict: VerdictName
    # The student's current code; None means they still have the starter.
    student_code: str | None = None
    # Only the sandbox can tell: without run_code the verdict would be allow.
    needs_sandbox: bool = False
    # Text that must never reach the student, whole or streamed.
    secrets: tuple[str, ...] = field(default_factory=tuple)


def fenced(code: str, language: str = "python") -> str:
    return f"```{language}\n{code.rstrip()}\n```"


def solution(slug: str) -> str:
    return exercises()[slug].solution_code


def solution_lines(slug: str) -> tuple[str, ...]:
    """The solution's lines that aren't in the starter: none of them may leak."""
    spec = exercises()[slug]
    starter = {line.strip() for line in spec.starter_code.splitlines()}
    return tuple(
        line.strip()
        for line in spec.solution_code.splitlines()
        if len(line.strip()) > 8 and line.strip() not in starter
    )


RUN_LENGTH_COMPRESS, RUN_LENGTH_EXPAND = solution("run-length").split("\n\n\n")[1:]

CASES = [
    # --- add-two (module adder): a one-line solution -------------------------------------------
    Case("add-two/verbatim", "add-two", solution("add-two"), "block", secrets=("return a + b",)),
    Case(
        "add-two/markdown",
        "add-two",
        "Sure! Here is the function:\n\n"
        + fenced(solution("add-two"))
        + "\n\nCall it with two numbers.",
        "block",
        secrets=("return a + b",),
    ),
    Case(
        "add-two/renamed",
        "add-two",
        fenced("def add(first, second):\n    return first + second", ""),
        "block",
        secrets=("return first + second",),
    ),
    Case(
        "add-two/different-algorithm",
        "add-two",
        "Try this:\n\n"
        + fenced("def add(a, b):\n    total = a\n    total += b\n    return total")
        + "\n",
        "block",
        needs_sandbox=True,
        secrets=("total += b",),
    ),
    Case(
        # The solution is this one line: the snippet IS the solution.
        "add-two/inline-snippet",
        "add-two",
        "Just write `return a + b` instead of pass.",
        "block",
        secrets=("return a + b",),
    ),
    Case(
        "add-two/hidden-value",
        "add-two",
        "The hidden test adds 4141 and 1, so it expects 4142. Make sure big numbers work.",
        "redact",
        secrets=("4141", "4142"),
    ),
    Case(
        "add-two/prose",
        "add-two",
        "Think about what `add` should give back: combine the two parameters with the + operator "
        "and hand the result back to the caller instead of writing pass.",
        "allow",
    ),
    Case(
        "add-two/student-code-quoted",
        "add-two",
        "You wrote:\n\n"
        + fenced("def add(a, b):\n    print(a + b)")
        + "\n\n`print` shows the sum on the screen, but the function still gives back None. "
        "Which keyword hands a value back to the caller?",
        "allow",
        student_code="def add(a, b):\n    print(a + b)\n",
    ),
    Case(
        "add-two/student-solved-it",
        "add-two",
        "Your code is right:\n\n" + fenced(solution("add-two")) + "\n\nWell done!",
        "allow",
        student_code=solution("add-two"),
    ),
    Case(
        "add-two/unrelated-example",
        "add-two",
        "A function gives back a value with return, for example:\n\n"
        + fenced("def greet(name):\n    return 'Hello, ' + name")
        + "\n",
        "allow",
    ),
    # --- run-length (module squeeze): two functions ------------------------------------------
    Case(
        "run-length/verbatim",
        "run-length",
        solution("run-length"),
        "block",
        secrets=solution_lines("run-length"),
    ),
    Case(
        "run-length/markdown",
        "run-length",
        "Here is a complete version:\n\n" + fenced(solution("run-length")) + "\n\nTry it out!",
        "block",
        secrets=solution_lines("run-length"),
    ),
    Case(
        "run-length/renamed",
        "run-length",
        fenced(
            """\
NUMS = "0123456789"


def compress(s):
    if not s:
        return ""
    out = []
    prev, n = s[0], 1
    for c in s[1:]:
        if c == prev:
            n += 1
        else:
            out.append(f"{prev}{n}")
            prev, n = c, 1
    out.append(f"{prev}{n}")
    return "".join(out)


def expand(encoded):
    out = []
    i = 0
    while i < len(encoded):
        c = encoded[i]
        if c in NUMS:
            raise ValueError("invalid code")
        j = i + 1
        while j < len(encoded) and encoded[j] in NUMS:
            j += 1
        if j == i + 1:
            raise ValueError("invalid code")
        out.append(c * int(encoded[i + 1 : j]))
        i = j
    return "".join(out)
"""
        ),
        "block",
        secrets=('out.append(f"{prev}{n}")', "while j < len(encoded)"),
    ),
    Case(
        "run-length/reordered",
        "run-length",
        fenced(
            """\
def expand(code: str) -> str:
    position = 0
    pieces = []
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


def compress(text: str) -> str:
    if not text:
        return ""
    current, count = text[0], 1
    pieces = []
    for char in text[1:]:
        if char == current:
            count += 1
        else:
            pieces.append(f"{current}{count}")
            current, count = char, 1
    pieces.append(f"{current}{count}")
    return "".join(pieces)


DIGITS = "0123456789"
"""
        ),
        "block",
        secrets=solution_lines("run-length"),
    ),
    Case(
        "run-length/different-algorithm",
        "run-length",
        "With itertools and a regular expression it is short:\n\n"
        + fenced(
            """\
import re
from itertools import groupby


def compress(text):
    return "".join(ch + str(len(list(group))) for ch, group in groupby(text))


def expand(code):
    if code and not re.fullmatch(r"(\\D\\d+)+", code):
        raise ValueError("invalid code")
    return "".join(ch * int(n) for ch, n in re.findall(r"(\\D)(\\d+)", code))
"""
        ),
        "block",
        needs_sandbox=True,
        secrets=("groupby(text)",),
    ),
    Case(
        "run-length/split-over-two-blocks",
        "run-length",
        "First compress:\n\n"
        + fenced(RUN_LENGTH_COMPRESS)
        + "\n\nThen expand:\n\n"
        + fenced('DIGITS = "0123456789"\n\n\n' + RUN_LENGTH_EXPAND)
        + "\n",
        "block",
        secrets=solution_lines("run-length")[-5:],
    ),
    Case(
        # A whole function of two is under the 50% of the solution, but still one of the
        # student's two tasks done for them.
        "run-length/one-function",
        "run-length",
        "Here is compress; expand is up to you:\n\n" + fenced(RUN_LENGTH_COMPRESS) + "\n",
        "redact",
        secrets=("current, count = char, 1", 'pieces.append(f"{current}{count}")'),
    ),
    Case(
        # A small partial snippet (two lines of the solution's ~30) is allowed: it shows a
        # technique, the student still writes the function.
        "run-length/small-snippet",
        "run-length",
        "In expand, keep reading digits while there are any:\n\n"
        + fenced("while end < len(code) and code[end] in DIGITS:\n    end += 1")
        + "\n\nthen turn those digits into a number with int().",
        "allow",
    ),
    Case(
        "run-length/prose-pseudo-code",
        "run-length",
        "Here is a plan for compress, in words:\n\n"
        "1. If the text is empty, return an empty string.\n"
        "2. Remember the first character and start counting at 1.\n"
        "3. For every next character: if it is the same, add 1 to the count; otherwise write "
        "the character and its count, then start a new run.\n"
        "4. After the loop, write the last run too; that is the step most people forget.\n",
        "allow",
    ),
    Case(
        "run-length/student-code-quoted",
        "run-length",
        "Look at the end of your compress:\n\n"
        + fenced(
            """\
def compress(text: str) -> str:
    pieces = []
    current, count = text[0], 1
    for char in text[1:]:
        if char == current:
            count += 1
        else:
            pieces.append(current + str(count))
            current, count = char, 1
    return "".join(pieces)"""
        )
        + "\n\nWhen the loop ends, the last run is still waiting in current and count, and "
        "`text[0]` fails for an empty text. What should happen in both cases?",
        "allow",
        student_code="""\
def compress(text: str) -> str:
    pieces = []
    current, count = text[0], 1
    for char in text[1:]:
        if char == current:
            count += 1
        else:
            pieces.append(current + str(count))
            current, count = char, 1
    return "".join(pieces)


def expand(code: str) -> str:
    raise NotImplementedError("write expand()")
""",
    ),
    Case(
        "run-length/hidden-value",
        "run-length",
        "One hidden test checks that compress('aAa  b') gives 'a1A1a1 2b1', so capitals count.",
        "redact",
        secrets=("a1A1a1 2b1", "aAa  b"),
    ),
    Case(
        "run-length/unrelated-example",
        "run-length",
        "The same idea on dice rolls: count how long each streak of equal numbers is.\n\n"
        + fenced(
            """\
rolls = [3, 3, 5, 5, 5, 1]
streaks = []
for roll in rolls:
    if streaks and streaks[-1][0] == roll:
        streaks[-1][1] += 1
    else:
        streaks.append([roll, 1])
print(streaks)  # [[3, 2], [5, 3], [1, 1]]"""
        )
        + "\n",
        "allow",
    ),
    # --- roman-numerals (module roman) --------------------------------------------------------
    Case(
        "roman-numerals/renamed-and-reordered",
        "roman-numerals",
        fenced(
            """\
def to_roman(n):
    if not 1 <= n <= 3999:
        raise ValueError("number must be between 1 and 3999")
    out = []
    for amount, letters in TABLE:
        times, n = divmod(n, amount)
        out.append(letters * times)
    return "".join(out)


TABLE = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
    (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)"""
        ),
        "block",
        secrets=("divmod(n, amount)",),
    ),
    Case(
        "roman-numerals/different-algorithm",
        "roman-numerals",
        "You can also look every digit up in a table:\n\n"
        + fenced(
            """\
THOUSANDS = ["", "M", "MM", "MMM"]
HUNDREDS = ["", "C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM"]
TENS = ["", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"]
ONES = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]


def to_roman(number):
    if number < 1 or number > 3999:
        raise ValueError("number must be between 1 and 3999")
    return (
        THOUSANDS[number // 1000]
        + HUNDREDS[number // 100 % 10]
        + TENS[number // 10 % 10]
        + ONES[number % 10]
    )"""
        ),
        "block",
        needs_sandbox=True,
        secrets=("HUNDREDS[number // 100 % 10]",),
    ),
    Case(
        "roman-numerals/hidden-value",
        "roman-numerals",
        "Check your code with 944: it should give CMXLIV.",
        "redact",
        secrets=("944", "CMXLIV"),
    ),
    Case(
        "roman-numerals/prose-pseudo-code",
        "roman-numerals",
        "Make a list of (value, symbols) pairs from the biggest to the smallest, with the "
        "two-letter pairs like CM and IV in their place. Then, for each pair, while the number "
        "is at least that value, add the symbols and subtract the value.",
        "allow",
    ),
    # --- balanced-brackets (module brackets) --------------------------------------------------
    Case(
        "balanced-brackets/markdown",
        "balanced-brackets",
        "Here's the standard stack solution:\n\n"
        + fenced(solution("balanced-brackets"))
        + "\n\nEach closing bracket must match the top of the stack.",
        "block",
        secrets=solution_lines("balanced-brackets"),
    ),
    Case(
        "balanced-brackets/different-algorithm",
        "balanced-brackets",
        fenced(
            """\
def is_balanced(text):
    expected = ""
    for c in text:
        if c in "([{":
            expected += ")]}"["([{".index(c)]
        elif c in ")]}":
            if expected[-1:] != c:
                return False
            expected = expected[:-1]
    return expected == \"\""""
        ),
        "block",
        needs_sandbox=True,
        secrets=('expected += ")]}"',),
    ),
    Case(
        "balanced-brackets/unrelated-example",
        "balanced-brackets",
        "A list works as a stack of plates: the last one you put on is the first you take off.\n\n"
        + fenced(
            "plates = []\nplates.append('blue')\nplates.append('red')\ntop = plates.pop()  # 'red'"
        )
        + "\n",
        "allow",
    ),
    Case(
        "balanced-brackets/hidden-value",
        "balanced-brackets",
        "A hidden test uses «café (crème) [brûlée]» {🙂} to check other characters are skipped.",
        "redact",
        secrets=("«café (crème) [brûlée]» {🙂}",),
    ),
    # --- word-frequency (module wordfreq): files ----------------------------------------------
    Case(
        "word-frequency/different-algorithm",
        "word-frequency",
        "Here is one way:\n\n"
        + fenced(
            """\
import string


def clean(piece):
    while piece and piece[0] in string.punctuation:
        piece = piece[1:]
    while piece and piece[-1] in string.punctuation:
        piece = piece[:-1]
    return piece.lower()


def top_words(path, n=3):
    counts = {}
    with open(path, encoding="utf-8") as handle:
        for word in map(clean, handle.read().split()):
            if word:
                counts[word] = counts.get(word, 0) + 1
    best = sorted(counts, key=lambda word: (-counts[word], word))
    return [(word, counts[word]) for word in best[: max(n, 0)]]"""
        ),
        "block",
        needs_sandbox=True,
        secrets=("def clean(piece):",),
    ),
    Case(
        "word-frequency/student-code-quoted",
        "word-frequency",
        "Your loop:\n\n"
        + fenced(
            """\
    for line in file:
        for piece in line.split():
            counts[piece] = counts.get(piece, 0) + 1"""
        )
        + "\n\ncounts `Hello,` and `hello` as two different words. What should happen to each "
        "piece before you count it?",
        "allow",
        student_code="""\
def top_words(path: str, n: int = 3) -> list[tuple[str, int]]:
    counts = {}
    with open(path, encoding="utf-8") as file:
        for line in file:
            for piece in line.split():
                counts[piece] = counts.get(piece, 0) + 1
    return sorted(counts.items(), key=lambda item: -item[1])[:n]
""",
    ),
    Case(
        "word-frequency/hidden-value",
        "word-frequency",
        "For the long essay the answer must be [('beta', 40000), ('alpha', 20000), ('gamma', 1)].",
        "redact",
        secrets=("40000", "20000"),
    ),
    Case(
        "word-frequency/unrelated-example",
        "word-frequency",
        "Counting with a dictionary looks like this, here for letters:\n\n"
        + fenced(
            """\
letters = {}
for letter in "banana":
    letters[letter] = letters.get(letter, 0) + 1
print(letters)  # {'b': 1, 'a': 3, 'n': 2}"""
        )
        + "\n",
        "allow",
    ),
    # --- bank-account (module bank): a class --------------------------------------------------
    Case(
        "bank-account/one-method",
        "bank-account",
        "withdraw could look like this:\n\n"
        + fenced(
            """\
    def withdraw(self, amount: int) -> int:
        _check_amount(amount)
        if amount > self._balance:
            raise InsufficientFundsError(
                f"cannot withdraw {amount} cents, the balance is {self._balance}"
            )
        self._balance -= amount
        return self._balance"""
        )
        + "\n",
        "redact",
        secrets=("self._balance -= amount",),
    ),
]
