// The grading result: a summary the screen reader announces, then one entry per test with
// the expected/actual diff, the output and a link to the line the traceback points at.
import { h } from "./dom.js";
import { labelledValues } from "./line-diff.js";
import { summaryText } from "./run-summary.js";
import { hasTrace } from "./trace-view.js";

const OUTCOME_MARK = { passed: "✔", failed: "✘", error: "✘", skipped: "–" };
const OUTCOME_WORD = { passed: "passed", failed: "failed", error: "error", skipped: "skipped" };

// Expected and the student's value, each labelled in words. Only the student's differing lines
// are coloured (red); the expected value stays neutral, so no colour says a wrong value is right.
function valueListing(label, lines, className) {
  const pre = h("pre", { className: "value-text" });
  for (const line of lines) {
    const span = h("span", { className: line.changed ? "value-line changed" : "value-line" });
    if (line.parts) {
      const [before, changed, after] = line.parts;
      span.append(before, h("mark", { text: changed }), after);
    } else {
      span.append(line.text);
    }
    pre.append(span);
  }
  return h("div", { className: `value ${className}` }, h("p", { className: "value-label", text: label }), pre);
}

function diffView(expected, actual) {
  const sides = labelledValues(String(expected), String(actual));
  return h(
    "div",
    { className: "diff-block" },
    valueListing("Expected", sides.expected, "expected-value"),
    valueListing("Your result", sides.actual, "actual-value"),
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
  constructor({ root, summary, onRevealLine, trace }) {
    this.root = root;
    this.summary = summary;
    this.onRevealLine = onRevealLine;
    this.trace = trace; // a TraceView, or undefined
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
    this.trace?.close();
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
    const result = submission.result || {};
    this.summary.textContent = summaryText(submission, result);
    this.summary.className = submission.passed ? "summary ok" : "summary error";

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
    if (this.trace && hasTrace(test)) {
      item.append(
        h("button", {
          type: "button",
          className: "secondary trace-button",
          text: "Trace this test",
          "aria-label": `Trace this test: step through what your code did in ${test.name}`,
          onclick: () => this.trace.open(test, item),
        }),
      );
    }
    return item;
  }
}
