"""Lists and dicts."""

SOLUTIONS = {
    "group-by-length": [
        """def group_by_length(words):
    groups = {}
    for word in words:
        if len(word) not in groups:
            groups[len(word)] = []
        groups[len(word)].append(word)
    return groups
""",
        """from collections import defaultdict


def group_by_length(words):
    groups = defaultdict(list)
    for word in words:
        groups[len(word)].append(word)
    return dict(groups)
""",
        """def group_by_length(words):
    lengths = []
    for word in words:
        if len(word) not in lengths:
            lengths.append(len(word))
    return {n: [w for w in words if len(w) == n] for n in lengths}
""",
        """def group_by_length(words):
    result = {}
    for word in words:
        result[len(word)] = result.get(len(word), []) + [word]
    return result
""",
        """def group_by_length(words, start=0, groups=None):
    groups = {} if groups is None else groups
    words = list(words)
    for index in range(start, len(words)):
        key = len(words[index])
        groups.setdefault(key, [])
        groups[key] += [words[index]]
    return groups
""",
    ],
    "leaderboard": [
        """def leaderboard(scores, n=3):
    if n <= 0:
        return []
    pairs = sorted(scores.items())
    pairs.sort(key=lambda p: p[1], reverse=True)
    return pairs[:n]
""",
        """import heapq


def leaderboard(scores, n=3):
    if n < 1:
        return []
    best = heapq.nsmallest(n, scores.items(), key=lambda item: (-item[1], item[0]))
    return [(name, score) for name, score in best]
""",
        """def leaderboard(scores, n=3):
    remaining = dict(scores)
    top = []
    while remaining and len(top) < n:
        name = min(remaining, key=lambda k: (-remaining[k], k))
        top.append((name, remaining.pop(name)))
    return top
""",
        """from operator import itemgetter


def leaderboard(scores, n=3):
    ranked = sorted(sorted(scores.items(), key=itemgetter(0)), key=itemgetter(1), reverse=True)
    return ranked[:n] if n > 0 else []
""",
        """def leaderboard(scores, n=3):
    flipped = sorted((-score, name) for name, score in scores.items())
    return [(name, -neg) for neg, name in flipped][: max(n, 0)]
""",
    ],
    "matrix-transpose": [
        """def transpose(matrix):
    if not matrix:
        return []
    for row in matrix:
        if len(row) != len(matrix[0]):
            raise ValueError("ragged")
    result = []
    for c in range(len(matrix[0])):
        new_row = []
        for row in matrix:
            new_row.append(row[c])
        result.append(new_row)
    return result
""",
        """def transpose(matrix):
    if len({len(row) for row in matrix}) > 1:
        raise ValueError("rows differ")
    return [list(column) for column in zip(*matrix)]
""",
        """def transpose(matrix):
    rows = len(matrix)
    if rows == 0:
        return []
    cols = len(matrix[0])
    if not all(len(r) == cols for r in matrix):
        raise ValueError("not rectangular")
    out = [[None] * rows for _ in range(cols)]
    for i in range(rows):
        for j in range(cols):
            out[j][i] = matrix[i][j]
    return out
""",
        """def transpose(matrix):
    widths = list(map(len, matrix))
    if widths and min(widths) != max(widths):
        raise ValueError("uneven rows")
    return list(map(list, zip(*matrix)))
""",
        """def transpose(matrix):
    if not matrix:
        return []
    if any(len(r) != len(matrix[0]) for r in matrix[1:]):
        raise ValueError("bad matrix")
    return [[matrix[r][c] for r in range(len(matrix))] for c in range(len(matrix[0]))]
""",
    ],
    "merge-inventories": [
        """from collections import Counter


def merge_inventories(first, second):
    total = Counter(first)
    total.update(second)
    return {k: v for k, v in total.items() if v > 0}
""",
        """def merge_inventories(first, second):
    merged = dict(first)
    for item in second:
        merged[item] = merged.get(item, 0) + second[item]
    for item in list(merged):
        if merged[item] <= 0:
            del merged[item]
    return merged
""",
        """def merge_inventories(first, second):
    keys = list(first) + [k for k in second if k not in first]
    sums = {k: first.get(k, 0) + second.get(k, 0) for k in keys}
    return {k: v for k, v in sums.items() if v > 0}
""",
        """def merge_inventories(first, second):
    result = {}
    for name in first.keys() | second.keys():
        amount = first.get(name, 0) + second.get(name, 0)
        if amount > 0:
            result[name] = amount
    return result
""",
        """import itertools


def merge_inventories(first, second):
    totals = {}
    for item, count in itertools.chain(first.items(), second.items()):
        totals[item] = totals.setdefault(item, 0) + count
    return dict(filter(lambda pair: pair[1] > 0, totals.items()))
""",
    ],
    "remove-duplicates": [
        """def remove_duplicates(items):
    result = []
    for item in items:
        if item not in result:
            result.append(item)
    return result
""",
        """def remove_duplicates(items):
    return list(dict.fromkeys(items))
""",
        """def remove_duplicates(items):
    seen = set()
    return [x for x in items if not (x in seen or seen.add(x))]
""",
        """def remove_duplicates(items):
    items = list(items)
    if not items:
        return []
    rest = remove_duplicates(items[1:]) if len(items) < 500 else None
    if rest is None:
        out = []
        for x in items:
            if x not in out:
                out.append(x)
        return out
    return [items[0]] + [x for x in rest if x != items[0]]
""",
        """def remove_duplicates(items):
    first_index = {}
    for index, item in enumerate(items):
        first_index.setdefault(item, index)
    return [item for item, _ in sorted(first_index.items(), key=lambda p: p[1])]
""",
    ],
}
