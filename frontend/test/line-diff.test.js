import assert from "node:assert/strict";
import { test } from "node:test";
import { changedSpan, diffLines, labelledValues } from "../src/line-diff.js";

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

test("each side keeps its own lines; differing ones are flagged with the differing part", () => {
  const { expected, actual } = labelledValues("a\n5\nc", "a\n5.0\nc\nd");
  assert.deepEqual(expected, [
    { text: "a", changed: false },
    { text: "5", changed: true, parts: ["5", "", ""] },
    { text: "c", changed: false },
  ]);
  assert.deepEqual(actual, [
    { text: "a", changed: false },
    { text: "5.0", changed: true, parts: ["5", ".0", ""] },
    { text: "c", changed: false },
    { text: "d", changed: true, parts: null },
  ]);
});

test("a value the student's code did not produce at all shows as one changed line", () => {
  const { expected, actual } = labelledValues("'$4.50'", "None");
  assert.deepEqual(expected, [{ text: "'$4.50'", changed: true, parts: ["", "'$4.50'", ""] }]);
  assert.deepEqual(actual, [{ text: "None", changed: true, parts: ["", "None", ""] }]);
});
