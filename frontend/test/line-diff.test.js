import assert from "node:assert/strict";
import { test } from "node:test";
import { changedSpan, diffLines } from "../src/line-diff.js";

test("equal lines are kept, changed ones shown expected first", () => {
  assert.deepEqual(diffLines("a\nb\nc", "a\nx\nc"), [
    { op: "same", text: "a" },
    { op: "expected", text: "b" },
    { op: "actual", text: "x" },
    { op: "same", text: "c" },
  ]);
});

test("missing and extra lines", () => {
  assert.deepEqual(diffLines("1\n2", "1"), [
    { op: "same", text: "1" },
    { op: "expected", text: "2" },
  ]);
  assert.deepEqual(diffLines("1", "1\n2"), [
    { op: "same", text: "1" },
    { op: "actual", text: "2" },
  ]);
});

test("the differing middle of a line is found", () => {
  assert.deepEqual(changedSpan("total: 5", "total: 5.0"), ["total: 5", "", ""]);
  assert.deepEqual(changedSpan("total: 5.0", "total: 5"), ["total: 5", ".0", ""]);
  assert.deepEqual(changedSpan("Hello, World!", "Hello World!"), ["Hello", ",", " World!"]);
});
