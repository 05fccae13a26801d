# ruff: noqa: E501 - solutions are data, written as a student would
"""Files and exceptions."""

SOLUTIONS = {
    "count-lines": [
        """def count_nonblank_lines(path):
    with open(path, encoding="utf-8") as f:
        return sum(1 for line in f if line.strip())
""",
        """def count_nonblank_lines(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    return len([line for line in text.splitlines() if not line.isspace() and line != ""])
""",
        """from pathlib import Path


def count_nonblank_lines(path):
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return len(list(filter(str.strip, lines)))
""",
        """def count_nonblank_lines(path):
    f = open(path, encoding="utf-8")
    try:
        total = 0
        line = f.readline()
        while line:
            if line.strip() != "":
                total = total + 1
            line = f.readline()
        return total
    finally:
        f.close()
""",
        """def _count(lines):
    if not lines:
        return 0
    return (1 if lines[0].strip() else 0) + _count(lines[1:])


def count_nonblank_lines(path):
    with open(path, encoding="utf-8") as file:
        lines = file.readlines()
    if len(lines) > 500:
        return sum(1 for line in lines if line.strip())
    return _count(lines)
""",
    ],
    "number-lines": [
        """def number_lines(source, target):
    with open(source, encoding="utf-8") as f:
        lines = [line.rstrip("\\n") for line in f]
    width = len(str(len(lines)))
    out = [str(i).rjust(width) + " | " + line + "\\n" for i, line in enumerate(lines, 1)]
    with open(target, "x", encoding="utf-8") as f:
        f.writelines(out)
    return len(lines)
""",
        """import os


def number_lines(source, target):
    with open(source, encoding="utf-8") as f:
        text = f.read()
    lines = text.splitlines()
    if os.path.exists(target):
        raise FileExistsError(target)
    digits = len(str(len(lines)))
    with open(target, "w", encoding="utf-8") as f:
        for i in range(len(lines)):
            f.write("%*d | %s\\n" % (digits, i + 1, lines[i]))
    return len(lines)
""",
        """from pathlib import Path


def number_lines(source, target):
    lines = Path(source).read_text(encoding="utf-8").splitlines()
    width = len(f"{len(lines)}")
    body = "".join(f"{n:{width}d} | {text}\\n" for n, text in enumerate(lines, start=1))
    with Path(target).open("x", encoding="utf-8") as out:
        out.write(body)
    return len(lines)
""",
        """def number_lines(source, target):
    src = open(source, encoding="utf-8")
    with src:
        content = src.read().split("\\n")
    if content and content[-1] == "":
        content.pop()
    size = len(str(len(content)))
    dst = open(target, mode="x", encoding="utf-8")
    with dst:
        count = 0
        for line in content:
            count += 1
            dst.write(" " * (size - len(str(count))) + str(count) + " | " + line.rstrip("\\r") + "\\n")
    return count
""",
        """def number_lines(source, target):
    with open(source, encoding="utf-8") as f:
        lines = f.read().splitlines()
    pad = len(str(len(lines)))
    numbered = "\\n".join("{:>{}} | {}".format(i, pad, l) for i, l in enumerate(lines, 1))
    with open(target, "x", encoding="utf-8") as f:
        if lines:
            f.write(numbered + "\\n")
    return len(lines)
""",
    ],
    "read-scores": [
        """def read_scores(path):
    scores = {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for index, raw in enumerate(lines):
        line = raw.strip()
        if line == "" or line[0] == "#":
            continue
        if ":" not in line:
            raise ValueError(f"line {index + 1}: no colon")
        name, value = line.split(":", 1)
        name = name.strip()
        if not name:
            raise ValueError(f"line {index + 1}: empty name")
        try:
            points = int(value)
        except ValueError:
            raise ValueError(f"line {index + 1}: bad score") from None
        if name not in scores or points > scores[name]:
            scores[name] = points
    return scores
""",
        """import re

LINE = re.compile(r"^\\s*([^:]*?)\\s*:(.*)$")


def read_scores(path):
    result = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            match = LINE.match(line.rstrip("\\n"))
            if match is None or not match.group(1):
                raise ValueError("line %d: expected 'name: score'" % number)
            try:
                score = int(match.group(2))
            except ValueError:
                raise ValueError("line %d: not a number" % number) from None
            result[match.group(1)] = max(result.get(match.group(1), score), score)
    return result
""",
        """def _parse(number, line):
    name, sep, text = line.partition(":")
    if not sep or not name.strip():
        raise ValueError(f"line {number}: expected 'name: score'")
    try:
        return name.strip(), int(text)
    except ValueError:
        raise ValueError(f"line {number}: {text.strip()!r} is not a whole number") from None


def read_scores(path):
    best = {}
    with open(path, encoding="utf-8") as file:
        rows = [(n, l.strip()) for n, l in enumerate(file, 1)]
    for n, line in rows:
        if line and not line.startswith("#"):
            name, score = _parse(n, line)
            best[name] = score if name not in best else max(best[name], score)
    return best
""",
        """def read_scores(path):
    scores = {}
    file = open(path, encoding="utf-8")
    number = 0
    try:
        for line in file:
            number += 1
            line = line.strip()
            if len(line) == 0 or line.startswith("#"):
                continue
            position = line.find(":")
            if position <= 0 or not line[:position].strip():
                raise ValueError("line " + str(number) + ": missing name or colon")
            name = line[:position].strip()
            try:
                value = int(line[position + 1:])
            except ValueError:
                raise ValueError("line " + str(number) + ": bad score") from None
            scores[name] = max(value, scores.get(name, value))
    finally:
        file.close()
    return scores
""",
        """from collections import defaultdict


def read_scores(path):
    seen = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for i, text in enumerate(f.readlines(), 1):
            text = text.strip()
            if not text or text.startswith("#"):
                continue
            parts = text.split(":", 1)
            if len(parts) < 2 or parts[0].strip() == "":
                raise ValueError(f"line {i}: expected 'name: score'")
            try:
                seen[parts[0].strip()].append(int(parts[1].strip()))
            except ValueError:
                raise ValueError(f"line {i}: not a whole number") from None
    return {name: max(values) for name, values in seen.items()}
""",
    ],
    "safe-int": [
        """def to_int(text, default=0):
    try:
        value = int(text)
    except Exception:
        value = default
    return value
""",
        """def to_int(text, default=0):
    if text is None:
        return default
    cleaned = str(text).strip()
    sign = -1 if cleaned.startswith("-") else 1
    digits = cleaned.lstrip("+-")
    if not digits.isdigit() or len(cleaned) - len(digits) > 1:
        return default
    return sign * int(digits)
""",
        """import re


def to_int(text, default=0):
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    if not isinstance(text, str) or not re.fullmatch(r"\\s*[+-]?\\d+\\s*", text):
        return default
    return int(text)
""",
        """def to_int(text, default=0):
    try:
        return int(text)
    except ValueError:
        return default
    except TypeError:
        return default
""",
        """import contextlib


def to_int(text, default=0):
    result = default
    with contextlib.suppress(ValueError, TypeError):
        result = int(text)
    return result
""",
    ],
    "word-frequency": [
        """from collections import Counter
import string


def top_words(path, n=3):
    if n <= 0:
        return []
    with open(path, encoding="utf-8") as f:
        words = [w.strip(string.punctuation).lower() for w in f.read().split()]
    counts = Counter(w for w in words if w)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
""",
        """import string


def top_words(path, n=3):
    counts = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            for raw in line.split():
                word = raw.lower().strip(string.punctuation)
                if word != "":
                    counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts.items())
    ranked.sort(key=lambda kv: kv[1], reverse=True)
    return ranked[:n] if n > 0 else []
""",
        """import heapq
import string


def top_words(path, n=3):
    if n < 1:
        return []
    tally = {}
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for piece in text.split():
        word = piece.strip(string.punctuation).lower()
        if word:
            tally[word] = tally.setdefault(word, 0) + 1
    return heapq.nsmallest(n, tally.items(), key=lambda kv: (-kv[1], kv[0]))
""",
        """from collections import defaultdict
from string import punctuation


def top_words(path, n=3):
    counts = defaultdict(int)
    with open(path, encoding="utf-8") as f:
        for word in (p.strip(punctuation).lower() for line in f for p in line.split()):
            if word:
                counts[word] += 1
    pairs = [(word, count) for count, word in sorted((-c, w) for w, c in counts.items())]
    return [(w, -c) for w, c in pairs][: max(n, 0)]
""",
        """import string
from collections import Counter


def top_words(path, n=3):
    if n <= 0:
        return []
    with open(path, encoding="utf-8") as file:
        counter = Counter()
        for line in file:
            counter.update(
                filter(None, (word.strip(string.punctuation).lower() for word in line.split()))
            )
    best = sorted(counter, key=lambda word: (-counter[word], word))
    return [(word, counter[word]) for word in best[:n]]
""",
    ],
}
