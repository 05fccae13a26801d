import assert from "node:assert/strict";
import { test } from "node:test";
import { StepCursor, changedNames, describeStep, usableSteps, variablesOf } from "../src/trace-steps.js";

const STEPS = [
  { file: "solution.py", line: 2, event: "line", function: "count", depth: 1, locals: { text: "'apple'" } },
  { file: "solution.py", line: 3, event: "line", function: "count", depth: 1, locals: { text: "'apple'", n: "0" } },
  { file: "solution.py", line: 5, event: "return", function: "count", depth: 1, locals: { text: "'apple'", n: "1" }, value: "1" },
];

test("junk steps are dropped", () => {
  const evidence = { steps: [...STEPS, { line: "7", event: "line" }, { line: 3, event: "eval" }, null] };
  assert.equal(usableSteps(evidence).length, 3);
  assert.deepEqual(usableSteps({ steps: "x" }), []);
  assert.deepEqual(usableSteps(null), []);
});

test("steps are described in words", () => {
  assert.equal(describeStep(STEPS[0]), "line 2 in count() is about to run");
  assert.equal(describeStep(STEPS[2]), "line 5 in count() returns 1");
  assert.equal(describeStep({ line: 4, event: "exception", value: "IndexError" }), "line 4 raises IndexError");
});

test("the cursor walks forward and back and stops at both ends", () => {
  const cursor = new StepCursor(STEPS);
  assert.ok(cursor.atStart);
  assert.equal(cursor.move(-1).line, 2);
  assert.equal(cursor.move(1).line, 3);
  assert.equal(cursor.move(5).line, 5);
  assert.ok(cursor.atEnd);
  assert.equal(cursor.move(-1).line, 3);
  assert.equal(cursor.goTo(0).line, 2);
});

test("changed variables are the new ones and those with another value", () => {
  assert.deepEqual([...changedNames(null, STEPS[0])], ["text"]);
  assert.deepEqual([...changedNames(STEPS[0], STEPS[1])], ["n"]);
  assert.deepEqual([...changedNames(STEPS[1], STEPS[2])], ["n"]);
  assert.deepEqual(variablesOf({ locals: { a: "1", b: 2 } }), [["a", "1"]]);
});
