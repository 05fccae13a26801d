// "Trace this test": the recorded steps of a failing visible test (the first three have them), one at a time, with the
// line highlighted in the editor and the variables beside it, like a small offline Python
// Tutor. Back/Forward buttons, and the arrow keys (Home/End, Escape to close) while the
// panel has focus. Steps are the student's own sandbox's record: shown as text only.
import { h } from "./dom.js";
import { StepCursor, changedNames, describeStep, usableSteps, variablesOf } from "./trace-steps.js";

export function hasTrace(test) {
  return !test.hidden && usableSteps(test.evidence).length > 0;
}

export class TraceView {
  constructor({ editor }) {
    this.editor = editor; // { markTraceLine(number|null), lineText(number) }
    this.panel = null;
  }

  open(test, container) {
    this.close();
    const steps = usableSteps(test.evidence);
    if (!steps.length) return;
    this.cursor = new StepCursor(steps);
    this.counter = h("p", { className: "trace-counter", "aria-live": "polite" });
    this.what = h("p", { className: "trace-what" });
    this.code = h("pre", { className: "trace-code" });
    this.variables = h("tbody");
    this.buttons = {
      first: this.button("« First", "Go to the first step", () => this.show(this.cursor.goTo(0))),
      back: this.button("◀ Back", "Step back", () => this.show(this.cursor.move(-1))),
      forward: this.button("Forward ▶", "Step forward", () => this.show(this.cursor.move(1))),
      last: this.button("Last »", "Go to the last step", () =>
        this.show(this.cursor.goTo(steps.length - 1)),
      ),
    };
    const notes = [];
    if (test.evidence?.steps_cut) notes.push("Recording stopped here: the test ran more steps.");
    this.panel = h(
      "section",
      {
        className: "trace",
        tabindex: "0",
        "aria-label": `Trace of ${test.name}`,
        onkeydown: (event) => this.key(event),
      },
      h(
        "div",
        { className: "trace-header" },
        h("strong", { text: `Trace of ${test.name}` }),
        this.button("Close", "Close the trace", () => this.close()),
      ),
      h(
        "div",
        { className: "trace-body" },
        h(
          "div",
          { className: "trace-step" },
          this.counter,
          this.what,
          this.code,
          h(
            "div",
            { className: "trace-controls" },
            this.buttons.first,
            this.buttons.back,
            this.buttons.forward,
            this.buttons.last,
          ),
        ),
        h(
          "table",
          { className: "trace-variables" },
          h("caption", { text: "Variables at this step" }),
          h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Name" }), h("th", { scope: "col", text: "Value" }))),
          this.variables,
        ),
      ),
      h("p", { className: "muted trace-help", text: "Keys: ← → step, Home/End, Esc closes." }),
      ...notes.map((text) => h("p", { className: "muted", text })),
    );
    container.append(this.panel);
    this.show(this.cursor.current);
    this.panel.focus({ preventScroll: true });
    this.panel.scrollIntoView({ block: "nearest" });
  }

  button(text, label, onclick) {
    return h("button", { type: "button", className: "secondary", text, "aria-label": label, onclick });
  }

  key(event) {
    const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    if (event.key in moves) this.show(this.cursor.move(moves[event.key]));
    else if (event.key === "Home") this.show(this.cursor.goTo(0));
    else if (event.key === "End") this.show(this.cursor.goTo(this.cursor.steps.length - 1));
    else if (event.key === "Escape") this.close();
    else return;
    event.preventDefault();
  }

  show(step) {
    const cursor = this.cursor;
    this.counter.textContent = `Step ${cursor.index + 1} of ${cursor.steps.length}`;
    this.what.textContent = describeStep(step);
    this.code.textContent = `${step.line} | ${(this.editor.lineText(step.line) ?? "").trim()}`;
    const changed = changedNames(cursor.previous, step);
    const rows = variablesOf(step).map(([name, value]) =>
      h(
        "tr",
        { className: changed.has(name) ? "changed" : null },
        h("th", { scope: "row", text: name }),
        h("td", {}, h("code", { text: value })),
      ),
    );
    if (!rows.length) rows.push(h("tr", {}, h("td", { colspan: "2", className: "muted", text: "(no variables yet)" })));
    this.variables.replaceChildren(...rows);
    const focused = this.panel.contains(document.activeElement) ? document.activeElement : null;
    this.buttons.first.disabled = this.buttons.back.disabled = cursor.atStart;
    this.buttons.forward.disabled = this.buttons.last.disabled = cursor.atEnd;
    // A button disabled under the focus drops it; keep it in the panel so the keys go on working.
    if (focused?.disabled) this.panel.focus();
    this.editor.markTraceLine(step.line);
  }

  close() {
    if (!this.panel) return;
    this.panel.remove();
    this.panel = null;
    this.editor.markTraceLine(null);
  }
}
