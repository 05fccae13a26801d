import assert from "node:assert/strict";
import { test } from "node:test";
import { compareKeys, matchesQuery, sortKey, sortedByKey } from "../src/table-order.js";

const byText = (texts, ascending) => sortedByKey(texts, sortKey, ascending);

test("numbers sort as numbers, with units and percentages", () => {
  assert.deepEqual(byText(["10", "9", "100", "-1"], true), ["-1", "9", "10", "100"]);
  assert.deepEqual(byText(["83%", "7%", "100%"], true), ["7%", "83%", "100%"]);
  assert.deepEqual(byText(["1,5", "1.25", "2"], true), ["1.25", "1,5", "2"]);
  assert.deepEqual(byText(["40 ms", "1200 ms", "5 ms"], false), ["1200 ms", "40 ms", "5 ms"]);
});

test("text sorts case-blind and with numbers inside in their order", () => {
  assert.deepEqual(byText(["bob", "Alice", "carol"], true), ["Alice", "bob", "carol"]);
  assert.deepEqual(byText(["ex10", "ex9", "ex1"], true), ["ex1", "ex9", "ex10"]);
});

test("blank cells go last in both directions", () => {
  assert.deepEqual(byText(["2", "—", "1", ""], true), ["1", "2", "—", ""]);
  assert.deepEqual(byText(["2", "—", "1"], false), ["2", "1", "—"]);
});

test("equal keys keep their order; numbers come before text", () => {
  const rows = [
    { name: "b", mark: "5" },
    { name: "a", mark: "5" },
    { name: "c", mark: "n/a" },
    { name: "d", mark: "3" },
  ];
  const sorted = sortedByKey(rows, (row) => sortKey(row.mark), true).map((row) => row.name);
  assert.deepEqual(sorted, ["d", "b", "a", "c"]);
  assert.ok(compareKeys(sortKey("9"), sortKey("apple")) < 0);
});

test("a filter matches every word anywhere in the row, in any case", () => {
  assert.ok(matchesQuery("Leap  Bools  easy  exercism", "BOOLS leap"));
  assert.ok(matchesQuery("anything", "   "));
  assert.ok(!matchesQuery("Leap Bools easy", "leap hard"));
});
