"""Variables and strings."""

SOLUTIONS = {
    "lab-username": [
        """def make_username(first, last, year):
    kept = ""
    for ch in last:
        if ch not in " -'":
            kept += ch
    return (first[0] + kept[:6] + str(year)[-2:].zfill(2)).lower()
""",
        """def make_username(first, last, year):
    letters = "".join(c for c in last if c not in {" ", "-", "'"})
    return "{}{}{:02d}".format(first[:1], letters[:6], year % 100).lower()
""",
        """import re


def make_username(first, last, year):
    surname = re.sub(r"[ \\-']", "", last)[:6]
    return (first[0] + surname).lower() + "%02d" % (year % 100)
""",
        """def make_username(first, last, year):
    table = str.maketrans("", "", " -'")
    two_digits = str(year % 100).rjust(2, "0")
    return first.lower()[0] + last.translate(table).lower()[:6] + two_digits
""",
        """def make_username(first, last, year):
    pieces = last.split()
    joined = "".join(pieces).replace("-", "").replace("'", "")
    tail = year - (year // 100) * 100
    return f"{first[0].lower()}{joined.lower()[0:6]}{tail:0>2}"
""",
    ],
    "name-initials": [
        """def initials(full_name):
    result = ""
    for word in full_name.split():
        result = result + word[0].upper() + "."
    return result
""",
        """def initials(full_name):
    return "".join([w[:1].upper() + "." for w in full_name.split()])
""",
        """def initials(full_name):
    words = full_name.split()
    if not words:
        return ""
    return words[0][0].upper() + "." + initials(" ".join(words[1:]))
""",
        """def initials(full_name):
    firsts = map(lambda word: word[0].upper(), full_name.split())
    return ".".join(firsts) + ("." if full_name.strip() else "")
""",
        """def initials(full_name):
    out = []
    previous = " "
    for char in full_name:
        if previous.isspace() and not char.isspace():
            out.append(char.upper() + ".")
        previous = char
    return "".join(out)
""",
    ],
    "price-tag": [
        """def price_tag(item, cents):
    dollars = cents // 100
    rest = cents % 100
    return item + ": $" + format(dollars, ",") + "." + str(rest).zfill(2)
""",
        """def price_tag(item, cents):
    return "%s: $%s.%02d" % (item, "{:,}".format(cents // 100), cents % 100)
""",
        """def price_tag(item, cents):
    digits = str(cents // 100)
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return f"{item}: ${','.join(groups)}.{cents % 100:02}"
""",
        """def price_tag(item, cents):
    return f"{item}: ${cents / 100:,.2f}"
""",
        """def price_tag(item, cents):
    q, r = cents // 100, cents - 100 * (cents // 100)
    tag = "{0}: ${1:,}.{2:02d}"
    return tag.format(item, q, r)
""",
    ],
    "welcome-message": [
        """def welcome(name):
    return "Welcome to the lab, " + name.strip() + "!"
""",
        """def welcome(name):
    return "Welcome to the lab, {}!".format(name.strip())
""",
        """def welcome(name):
    cleaned = " ".join(name.split()) if name.strip() == " ".join(name.split()) else name.strip()
    return "Welcome to the lab, %s!" % cleaned
""",
        """def welcome(name):
    start, end = 0, len(name)
    while start < end and name[start].isspace():
        start += 1
    while end > start and name[end - 1].isspace():
        end -= 1
    return f"Welcome to the lab, {name[start:end]}!"
""",
        """def welcome(name):
    parts = ["Welcome to the lab, ", name.lstrip().rstrip(), "!"]
    return "".join(parts)
""",
    ],
}
