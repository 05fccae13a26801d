// A small line diff for "expected vs actual": test values are short, so a plain LCS table is
// fast enough and keeps the bundle free of a diff library.

// Returns [{ op: "same" | "expected" | "actual", text }] in display order.
export function diffLines(expected, actual) {
  const a = expected.split("\n");
  const b = actual.split("\n");
  const common = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      common[i][j] =
        a[i] === b[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const rows = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      rows.push({ op: "same", text: a[i] });
      i += 1;
      j += 1;
    } else if (j >= b.length || (i < a.length && common[i + 1][j] >= common[i][j + 1])) {
      rows.push({ op: "expected", text: a[i] });
      i += 1;
    } else {
      rows.push({ op: "actual", text: b[j] });
      j += 1;
    }
  }
  return rows;
}

// Splits a changed line around the part that differs from its counterpart, so a one-character
// slip ("5" vs "5.0", a missing space) stands out.
export function changedSpan(line, other) {
  let start = 0;
  while (start < line.length && start < other.length && line[start] === other[start]) start += 1;
  let end = 0;
  while (
    end < line.length - start &&
    end < other.length - start &&
    line[line.length - 1 - end] === other[other.length - 1 - end]
  ) {
    end += 1;
  }
  return [line.slice(0, start), line.slice(start, line.length - end), line.slice(line.length - end)];
}

// "Expected" and "Your result" as two labelled listings: each keeps only its own lines, and a
// line that differs from the other side is flagged `changed`, with `parts` [before, changed,
// after] when it has a single counterpart to compare with.
export function labelledValues(expected, actual) {
  const rows = diffLines(expected, actual);
  const sides = { expected: [], actual: [] };
  rows.forEach((row, index) => {
    if (row.op === "same") {
      sides.expected.push({ text: row.text, changed: false });
      sides.actual.push({ text: row.text, changed: false });
      return;
    }
    const partner =
      row.op === "expected" ? rows[index + 1] : rows[index - 1];
    const paired = partner && partner.op !== "same" && partner.op !== row.op;
    sides[row.op].push({
      text: row.text,
      changed: true,
      parts: paired ? changedSpan(row.text, partner.text) : null,
    });
  });
  return sides;
}
