// Sorting and filtering rules for the instructors' tables (see tables.js), free of the DOM.

const NUMBER = /^[-+]?\d+(?:[.,]\d+)?\s*(?:%|ms|s|min)?$/;
const BLANKS = new Set(["", "—", "-", "–"]);

// A cell's sort key: a number when the cell reads as one ("12", "83%", "1,5", "40 ms"), else
// its text. Blank cells ("—") sort last whichever way the column is sorted.
export function sortKey(text) {
  const trimmed = String(text ?? "").trim();
  if (BLANKS.has(trimmed)) return { blank: true, number: null, text: "" };
  if (NUMBER.test(trimmed)) {
    const number = Number.parseFloat(trimmed.replace(",", "."));
    return { blank: false, number, text: trimmed };
  }
  return { blank: false, number: null, text: trimmed.toLowerCase() };
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

// Ascending order of two keys; numbers before text, so a mixed column stays readable.
export function compareKeys(left, right) {
  if (left.number !== null && right.number !== null) return left.number - right.number;
  if (left.number !== null) return -1;
  if (right.number !== null) return 1;
  return collator.compare(left.text, right.text);
}

// Items sorted by key, ascending or descending, blanks last, ties kept in their old order.
export function sortedByKey(items, keyOf, ascending) {
  const keyed = items.map((item, index) => ({ item, index, key: keyOf(item) }));
  keyed.sort((a, b) => {
    if (a.key.blank !== b.key.blank) return a.key.blank ? 1 : -1;
    const order = a.key.blank ? 0 : compareKeys(a.key, b.key);
    return (ascending ? order : -order) || a.index - b.index;
  });
  return keyed.map(({ item }) => item);
}

// True when every word of the query appears in the text, in any order and case.
export function matchesQuery(text, query) {
  const haystack = String(text).toLowerCase();
  return String(query)
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}
