// The grading result: a summary the screen reader announces, then one entry per test with
// the expected/actual diff, the output and a link to the line the traceback points at.
import { h } from "./dom.js";
import { changedSpan, diffLines } from "./line-diff.js";

const OUTCOME_MARK = { passed: "✔", failed: "✘", error: "✘", skipped: "–" };
const OUTCOME_WORD = { passed: "passed", failed: "failed", error: "error", skipped: "skipped" };

function diffView(expected, actual) {
  const rows = diffLines(String(expected), String(actual));
  const pre = h("pre", { className: "diff", "aria-label": "Expected (−) against your result (+)" });
  rows.forEach((row, index) => {
    const sign = { same: " ", expected: "−", actual: "+" }[row.op];
    const line = h("span", { className: `diff-line diff-${row.op}` }, `${sign} `);
    // A lone changed line next to its counterpart gets its differing part marked.
    const partner =
      row.op === "expected" ? rows[index + 1] : row.op === "actual" ? rows[index - 1] : null;
    const paired = partner && partner.op !== "same" && partner.op !== row.op;
    if (paired) {
      const [before, changed, after] = changedSpan(row.text, partner.text);
      line.append(before, h("mark", { text: changed }), after);
    } else {
      line.append(row.text);
    }
    pre.append(line);
  });
  return h(
    "div",
    { className: "diff-block" },
    h(
      "p",
      { className: "diff-legend" },
      h("span", { className: "diff-expected", text: "− expected" }),
      " ",
      h("span", { className: "diff-actual", text: "+ your result" }),
    ),
    pre,
  );
}

function outputBlock(label, text, className) {
  if (!text) return null;
  return h(
    "div",
    { className: `output ${className}` },
    h("p", { className: "output-label", text: label }),
    h("pre", { text }),
  );
}

function durationText(milliseconds) {
  return Number.isFinite(milliseconds) ? `${Math.round(milliseconds)} ms` : null;
}

export class ResultsView {
  constructor({ root, summary, onRevealLine }) {
    this.root = root;
    this.summary = summary;
    this.onRevealLine = onRevealLine;
  }

  clear() {
    this.summary.textContent = "";
    this.root.replaceChildren(
      h("p", { className: "muted", text: "Run your code to see the test results here." }),
    );
  }

  showError(message) {
    this.summary.textContent = message;
    this.summary.className = "summary error";
    this.root.replaceChildren();
  }

  render(submission) {
    const what = submission.kind === "submit" ? "Submission" : "Run";
    this.summary.className = "summary";
    if (submission.status === "queued" || submission.status === "running") {
      this.summary.textContent =
        submission.status === "queued" ? "Waiting for the grader…" : "Running your tests…";
      this.root.replaceChildren();
      return;
    }
    if (submission.status === "error") {
      this.showError(submission.error_message || `${what} could not be graded.`);
      return;
    }
    const counts = `(${submission.tests_passed}/${submission.tests_total})`;
    this.summary.textContent = submission.passed
      ? `All tests passed! ${counts}`
      : `Some tests failed. ${counts}`;
    this.summary.className = submission.passed ? "summary ok" : "summary error";

    const result = submission.result || {};
    const parts = [];
    const label = h(
      "p",
      { className: "muted result-kind" },
      submission.kind === "submit" ? "Submitted: visible and hidden tests" : "Run: visible tests",
      result.duration_ms ? ` · ${durationText(result.duration_ms)}` : "",
    );
    parts.push(label);
    if (result.message) parts.push(h("p", { className: "result-message", text: result.message }));
    parts.push(outputBlock("Program output", result.stdout, "stdout"));
    parts.push(outputBlock("Errors", result.stderr, "stderr"));
    const tests = result.tests || [];
    if (tests.length)
      parts.push(
        h(
          "ul",
          { className: "tests" },
          tests.map((test) => this.testItem(test)),
        ),
      );
    this.root.replaceChildren(...parts.filter(Boolean));
  }

  testItem(test) {
    const outcome = OUTCOME_WORD[test.outcome] ? test.outcome : "error";
    const heading = h(
      "p",
      { className: "test-name" },
      h("span", { className: "test-mark", "aria-hidden": "true", text: OUTCOME_MARK[outcome] }),
      " ",
      h("strong", { text: test.name }),
      h("span", { className: "visually-hidden", text: ` ${OUTCOME_WORD[outcome]}` }),
    );
    const item = h("li", { className: `test ${outcome}` }, heading);
    if (test.hidden) {
      heading.append(h("span", { className: "hidden-note", text: " (hidden test)" }));
      return item;
    }
    if (test.message) item.append(h("pre", { className: "test-message", text: test.message }));
    if (test.expected != null && test.actual != null) item.append(diffView(test.expected, test.actual));
    const outputs = [
      outputBlock("Printed", test.stdout, "stdout"),
      outputBlock("Errors", test.stderr, "stderr"),
    ];
    item.append(...outputs.filter(Boolean));
    if (test.traceback) {
      item.append(
        h(
          "details",
          { className: "traceback" },
          h("summary", { text: "Traceback" }),
          h("pre", { text: test.traceback }),
        ),
      );
    }
    if (Number.isInteger(test.line)) {
      item.append(
        h("button", {
          type: "button",
          className: "link line-link",
          text: `Show line ${test.line} in the editor`,
          onclick: () => this.onRevealLine(test.line),
        }),
      );
    }
    return item;
  }
}
