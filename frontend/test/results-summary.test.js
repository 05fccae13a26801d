import assert from "node:assert/strict";
import { test } from "node:test";

import { summaryText } from "../src/run-summary.js";

test("a build that failed reads as a compile error, not as failed tests", () => {
  const submission = { passed: false, tests_passed: 0, tests_total: 2 };
  assert.equal(
    summaryText(submission, { status: "compile_error" }),
    "Your code does not compile: see the error below.",
  );
  assert.equal(summaryText(submission, { status: "completed" }), "Some tests failed. (0/2)");
  assert.equal(
    summaryText({ passed: true, tests_passed: 2, tests_total: 2 }, {}),
    "All tests passed! (2/2)",
  );
});
