"""A test class's programs for one exercise (word frequencies), in the shapes students write.

Six students solved it on their own, each in their own style; `renamed_copy` is alice's program
with every name changed and the comments rewritten, `reordered_copy` is bob's with its functions
and imports in another order, and `second_renamed_copy` is carol's renamed. Every program starts
from the exercise's starter code (the signature and docstring).
"""

from exercises.models import Exercise

STARTER = '''def count_words(sentence):
    """Return a dict from each word (lower case) to how often it appears."""
    pass
'''

REFERENCE = '''import re
from collections import Counter

WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def count_words(sentence):
    """Return a dict from each word (lower case) to how often it appears."""
    return dict(Counter(WORD.findall(sentence.lower())))
'''

ALICE = '''def count_words(sentence):
    """Return a dict from each word (lower case) to how often it appears."""
    counts = {}
    word = ""
    for character in sentence.lower() + " ":
        if character.isalnum() or (character == "'" and word):
            word += character
        else:
            word = word.strip("'")
            if word:
                counts[word] = counts.get(word, 0) + 1
            word = ""
    return counts


def most_common(sentence, n):
    counts = count_words(sentence)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [word for word, _ in ranked[:n]]


def total_words(sentence):
    total = 0
    for value in count_words(sentence).values():
        total = total + value
    return total
'''

RENAMED_COPY = '''def count_words(sentence):
    """Return a dict from each word (lower case) to how often it appears."""
    # tally of each token
    tally = {}
    token = ""
    for ch in sentence.lower() + " ":
        if ch.isalnum() or (ch == "'" and token):
            token += ch
        else:
            token = token.strip("'")
            if token:
                tally[token] = tally.get(token, 0) + 1
            token = ""
    return tally


def most_common(sentence, n):
    # the n most frequent tokens
    tally = count_words(sentence)
    order = sorted(tally.items(), key=lambda pair: (-pair[1], pair[0]))
    return [token for token, _ in order[:n]]


def total_words(sentence):
    acc = 0
    for amount in count_words(sentence).values():
        acc = acc + amount
    return acc
'''

BOB = '''import string
from collections import defaultdict

PUNCTUATION = string.punctuation.replace("'", "")


def normalise(text):
    for mark in PUNCTUATION:
        text = text.replace(mark, " ")
    return text.lower().split()


def clean(token):
    while token.startswith("'"):
        token = token[1:]
    while token.endswith("'"):
        token = token[:-1]
    return token


def count_words(sentence):
    """Return a dict from each word (lower case) to how often it appears."""
    result = defaultdict(int)
    for token in normalise(sentence):
        token = clean(token)
        if token:
            result[token] += 1
    return dict(result)
'''

REORDERED_COPY = '''from collections import defaultdict
import string


def count_words(sentence):
    """Return a dict from each word (lower case) to how often it appears."""
    result = defaultdict(int)
    for token in normalise(sentence):
        token = clean(token)
        if token:
            result[token] += 1
    return dict(result)


def clean(token):
    while token.startswith("'"):
        token = token[1:]
    while token.endswith("'"):
        token = token[:-1]
    return token


PUNCTUATION = string.punctuation.replace("'", "")


def normalise(text):
    for mark in PUNCTUATION:
        text = text.replace(mark, " ")
    return text.lower().split()
'''

CAROL = '''import re


def count_words(sentence):
    """Return a dict from each word (lower case) to how often it appears."""
    words = re.split(r"[^a-zA-Z0-9']+", sentence)
    frequencies = {}
    for raw in words:
        word = raw.lower().strip("'")
        if not word:
            continue
        if word in frequencies:
            frequencies[word] += 1
        else:
            frequencies[word] = 1
    return frequencies
'''

SECOND_RENAMED_COPY = '''import re


def count_words(sentence):
    """Return a dict from each word (lower case) to how often it appears."""
    parts = re.split(r"[^a-zA-Z0-9']+", sentence)
    seen = {}
    for piece in parts:
        w = piece.lower().strip("'")
        if not w:
            continue
        if w in seen:
            seen[w] += 1
        else:
            seen[w] = 1
    return seen
'''

DAVE = '''def count_words(sentence):
    """Return a dict from each word (lower case) to how often it appears."""
    import collections

    cleaned = "".join(c if c.isalnum() or c == "'" else " " for c in sentence.lower())
    return dict(collections.Counter(w.strip("'") for w in cleaned.split() if w.strip("'")))
'''

ERIN = '''from collections import Counter
import re


def count_words(sentence):
    """Return a dict from each word (lower case) to how often it appears."""
    found = re.findall(r"\\b[\\w']+\\b", sentence.lower().replace("_", " "))
    return Counter(word.strip("'") for word in found)
'''

FRANK = '''def split_words(sentence):
    words, current = [], []
    for c in sentence:
        if c.isalpha() or c.isdigit() or c == "'":
            current.append(c.lower())
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return [w.strip("'") for w in words if w.strip("'")]


def count_words(sentence):
    """Return a dict from each word (lower case) to how often it appears."""
    counts = {}
    for w in split_words(sentence):
        counts.setdefault(w, 0)
        counts[w] += 1
    return counts
'''

# What the students handed in; the reference is what the exercise's author wrote.
STARTER_ONLY = STARTER
REFERENCE_COPY = REFERENCE

CLASS = {
    "alice": ALICE,
    "bob": BOB,
    "carol": CAROL,
    "dave": DAVE,
    "erin": ERIN,
    "frank": FRANK,
    "mallory": RENAMED_COPY,
    "oscar": REORDERED_COPY,
    "trent": SECOND_RENAMED_COPY,
    "peggy": REFERENCE_COPY,
    "victor": STARTER_ONLY,
}
COPIED_PAIRS = {
    frozenset({"alice", "mallory"}),
    frozenset({"bob", "oscar"}),
    frozenset({"carol", "trent"}),
}


def create_exercise() -> Exercise:
    """The exercise in the database: its starter code and reference are the ones above."""
    return Exercise.objects.create(
        slug="word-count",
        title="Word count",
        topic="strings",
        difficulty="easy",
        order=1,
        module="word_count",
        statement_md="Count the words.",
        starter_code=STARTER,
        solution_code=REFERENCE,
        source_format="native",
        content_hash="x",
    )
