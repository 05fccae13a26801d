// Run and Submit over the socket. The buttons stay disabled, showing progress, from the click
// until the result (or a refusal) arrives, so a second click cannot grade the same code twice.

const LABELS = {
  run: { idle: "Run", busy: "Running…" },
  submit: { idle: "Submit", busy: "Submitting…" },
};
const FINISHED = new Set(["done", "error"]);

export class Grading {
  constructor({ buttons, editor, results, send, expectReply, onResult }) {
    this.buttons = buttons; // { run, submit }
    this.editor = editor;
    this.results = results;
    this.send = send;
    this.expectReply = expectReply;
    this.onResult = onResult;
    this.connected = false;
    this.pending = null; // { kind, codeVersion } from the click until the final status
    this.codeVersion = 0;
    buttons.run.addEventListener("click", () => this.start("run"));
    buttons.submit.addEventListener("click", () => this.start("submit"));
  }

  codeChanged() {
    this.codeVersion += 1;
  }

  start(kind) {
    if (this.pending || !this.connected) return;
    if (!this.send({ type: kind, code: this.editor.code() })) return;
    this.pending = { kind, codeVersion: this.codeVersion };
    this.expectReply({
      answers: (message) => message.type === "submission",
      onError: (text) => {
        this.pending = null;
        this.results.showError(text);
        this.refresh();
      },
    });
    this.refresh();
  }

  // `hello` after a reconnect: the latest submission is either still being graded (keep
  // waiting for its status changes) or finished while the socket was away.
  hello(latest) {
    this.connected = true;
    if (latest) this.update(latest, { fromHello: true });
    else this.pending = null;
    if (latest && !FINISHED.has(latest.status) && !this.pending) {
      this.pending = { kind: latest.kind, codeVersion: -1 };
    }
    this.refresh();
  }

  disconnected() {
    this.connected = false;
    this.refresh();
  }

  update(submission, { fromHello = false } = {}) {
    this.results.render(submission);
    if (!FINISHED.has(submission.status)) return;
    const pending = this.pending;
    this.pending = null;
    // Point at traceback lines only if the editor still holds the code that was graded.
    const gradedThisCode = !fromHello && pending && pending.codeVersion === this.codeVersion;
    const failedLines = (submission.result?.tests || [])
      .filter((test) => !test.hidden && test.outcome !== "passed" && test.outcome !== "skipped")
      .map((test) => test.line);
    if (gradedThisCode) this.editor.markErrorLines(failedLines);
    this.onResult(submission);
    this.refresh();
  }

  refresh() {
    for (const [kind, button] of Object.entries(this.buttons)) {
      const busy = this.pending !== null;
      button.disabled = busy || !this.connected;
      button.textContent = busy && this.pending.kind === kind ? LABELS[kind].busy : LABELS[kind].idle;
      button.setAttribute("aria-busy", String(busy && this.pending.kind === kind));
    }
  }
}
