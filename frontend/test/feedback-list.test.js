import assert from "node:assert/strict";
import { test } from "node:test";
import {
  locateLine,
  markedLines,
  withComment,
  withoutComment,
} from "../src/feedback-list.js";

function comment(id, { submission = 1, at = "2026-03-01T10:00:00+00:00", line = 1, text = "" } = {}) {
  return {
    id,
    submission_id: submission,
    submitted_at: at,
    line,
    line_text: text,
    body: `comment ${id}`,
    created_at: `2026-03-02T10:00:0${id % 10}+00:00`,
  };
}

test("newer submissions come first, then line order; a repeated comment is replaced", () => {
  const older = comment(1, { submission: 1, at: "2026-03-01T10:00:00+00:00", line: 2 });
  const newerLine5 = comment(2, { submission: 2, at: "2026-03-01T11:00:00+00:00", line: 5 });
  const newerLine1 = comment(3, { submission: 2, at: "2026-03-01T11:00:00+00:00", line: 1 });
  let list = withComment([], older);
  list = withComment(list, newerLine5);
  list = withComment(list, newerLine1);
  assert.deepEqual(
    list.map((item) => item.id),
    [3, 2, 1],
  );
  const edited = { ...newerLine5, body: "changed" };
  list = withComment(list, edited);
  assert.deepEqual(
    list.map((item) => [item.id, item.body]),
    [
      [3, "comment 3"],
      [2, "changed"],
      [1, "comment 1"],
    ],
  );
  assert.deepEqual(
    withoutComment(list, 2).map((item) => item.id),
    [3, 1],
  );
});

test("a line that still reads the same keeps its number", () => {
  const doc = ["def add(a, b):", "    return a - b", ""];
  assert.equal(locateLine(doc, 2, "    return a - b"), 2);
});

test("a line that moved is found nearest to where it was, whatever its indentation", () => {
  const doc = ["x = 1", "def add(a, b):", "    # a new comment", "    return a - b", "return a - b"];
  assert.equal(locateLine(doc, 2, "    return a - b"), 4);
  assert.equal(locateLine(doc, 5, "  return a - b  "), 5);
});

test("a line that is gone, or a blank line that moved, is not placed", () => {
  const doc = ["def add(a, b):", "    return a + b"];
  assert.equal(locateLine(doc, 2, "    return a - b"), null);
  assert.equal(locateLine(["a", "", "b"], 1, ""), null);
  assert.equal(locateLine(["a", "", "b"], 2, ""), 2);
  assert.equal(locateLine([], 1, "anything"), null);
});

test("marked lines group comments by where they are now", () => {
  const doc = ["def add(a, b):", "    return a - b"];
  const lines = markedLines(doc, [
    comment(1, { line: 2, text: "    return a - b" }),
    comment(2, { line: 1, text: "def add(a, b):" }),
    comment(3, { line: 3, text: "    return a - b" }),
    comment(4, { line: 1, text: "print(add(1, 2))" }),
  ]);
  assert.deepEqual(
    [...lines].map(([line, comments]) => [line, comments.map((item) => item.id)]),
    [
      [2, [1, 3]],
      [1, [2]],
    ],
  );
});
