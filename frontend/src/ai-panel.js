// The AI help panel: the buttons for each kind of help the exercise allows, the conversation
// (this student's history on the exercise plus new answers streaming in), Cancel and ratings.
import { AiTurn, FINISHED } from "./ai-turn.js";
import { waitingHelp } from "./busy-offer.js";
import { freshHelp } from "./shared-offer.js";
import { h } from "./dom.js";

// The server climbs a ladder of hint levels (concept, where to look, pseudo-code) and stays on
// the last one: see next_hint_level in tutor/assist/services/requests.py.
const HINT_LEVELS = 3;

export class AiPanel {
  // editor: code(), selection(); send(message) -> bool; expectReply(entry) waits for the
  // server's answer to a message (see awaited-replies.js).
  constructor({ root, editor, send, expectReply }) {
    this.editor = editor;
    this.send = send;
    this.expectReply = expectReply;
    this.find = (selector) => root.querySelector(selector);
    this.log = this.find("#ai-log");
    this.errorLine = this.find("#ai-error");
    this.hintMeta = this.find("#hint-meta");
    this.askForm = this.find("#ask-form");
    this.askInput = this.find("#ask-input");
    this.buttons = new Map(
      [...root.querySelectorAll("[data-help-kind]")].map((button) => [button.dataset.helpKind, button]),
    );

    this.config = null;
    this.connected = false;
    this.turns = new Map();
    this.questions = new Map(); // ask texts by request id, in case the server does not echo them
    this.sending = null; // the turn of a `help` the server has not answered yet
    this.latestRun = null;
    this.hasSelection = false;
    this.hintsLeft = null;

    for (const [kind, button] of this.buttons) {
      if (kind !== "ask") button.addEventListener("click", () => this.requestHelp(kind));
    }
    this.askForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.requestHelp("ask");
    });
    // Enter sends, Shift+Enter starts a new line, as in chat boxes students know.
    this.askInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.askForm.requestSubmit();
      }
    });
    this.askInput.addEventListener("input", () => this.refreshButtons());
    // The demo-model notice is long; one line keeps it visible without crowding the answers.
    this.find("#ai-notice-toggle").addEventListener("click", (event) => {
      const expanded = event.currentTarget.getAttribute("aria-expanded") !== "true";
      event.currentTarget.setAttribute("aria-expanded", String(expanded));
      event.currentTarget.textContent = expanded ? "Show less" : "Show all";
      this.find("#ai-notice").classList.toggle("expanded", expanded);
    });
  }

  showNotice(text) {
    const notice = this.find("#ai-notice");
    notice.hidden = !text;
    this.find("#ai-notice-text").textContent = text;
    if (!text || notice.classList.contains("expanded")) return;
    const textElement = this.find("#ai-notice-text");
    this.find("#ai-notice-toggle").hidden = textElement.scrollHeight <= textElement.clientHeight + 1;
  }

  hello(ai, requests) {
    this.connected = true;
    this.applySettings(ai);

    // `hello` is the whole truth after every (re)connect: rebuild the conversation from it.
    this.turns.clear();
    this.sending = null;
    this.log.replaceChildren();
    for (const request of requests) {
      if (request.kind === "complete") continue;
      const turn = this.addTurn(request.kind, this.questions.get(request.id));
      turn.update(request);
      this.turns.set(request.id, turn);
      // Follow answers still being written; the server re-sends their text so far.
      if (!FINISHED.has(request.status))
        this.sendAbout(request.id, { type: "resume", request_id: request.id });
    }
    this.showEmptyNote();
    this.log.scrollTop = this.log.scrollHeight;
    this.refreshButtons();
  }

  // What the course's AI policy allows now: from `hello`, and from `ai_settings` whenever an
  // instructor changes the policy or starts an exam while the page is open.
  applySettings(ai) {
    this.config = ai;
    this.hintsLeft = ai.hints_left;
    const off = this.find("#ai-off");
    off.hidden = ai.enabled;
    off.textContent = ai.reason || "AI help is off for this exercise.";
    const limits = this.find("#ai-policy");
    limits.hidden = !ai.enabled || !ai.reason;
    limits.textContent = ai.enabled ? ai.reason : "";
    this.find("#ai-controls").hidden = !ai.enabled;
    this.showNotice(ai.demo_model ? ai.notice : "");
    this.find("#ai-model").textContent = ai.model_name ? `Model: ${ai.model_name}` : "";
    for (const [kind, button] of this.buttons) button.hidden = !ai.kinds.includes(kind);
    this.askForm.hidden = !ai.kinds.includes("ask");
    this.refreshButtons();
  }

  disconnected() {
    this.connected = false;
    this.sending?.element.remove();
    this.sending = null;
    this.refreshButtons();
  }

  setLatestRun(submission) {
    this.latestRun = submission;
    this.refreshButtons();
  }

  setHasSelection(hasSelection) {
    if (hasSelection === this.hasSelection) return;
    this.hasSelection = hasSelection;
    this.refreshButtons();
  }

  // Alt+H: the same rules as the button (allowed kind, nothing running, hints left).
  nextHint() {
    const button = this.buttons.get("hint");
    if (button && !button.hidden && !button.disabled && this.config?.enabled) this.requestHelp("hint");
  }

  knows(id) {
    return this.turns.has(id);
  }

  update(request) {
    let turn = this.turns.get(request.id);
    if (!turn && request.kind !== "complete") {
      // An answer the student did not ask for: their instructor's hint to their group.
      turn = this.addTurn(request.kind, null);
      this.turns.set(request.id, turn);
      this.log.scrollTop = this.log.scrollHeight;
    }
    turn?.update(request);
    this.refreshButtons();
  }

  takeDelta(delta) {
    this.turns.get(delta.request_id)?.addDelta(delta);
  }

  showQueue(message) {
    this.turns.get(message.request_id)?.showQueue(message.position, message.estimated_wait_seconds);
  }

  requestHelp(kind) {
    if (!this.connected || this.busy) return;
    const message = { type: "help", kind, code: this.editor.code() };
    let question = null;
    if (kind === "ask") {
      question = this.askInput.value.trim();
      if (!question) return;
      message.question = question;
    } else if (kind === "explain_code") {
      const selection = this.editor.selection();
      if (!selection) return;
      message.selection = selection;
    } else if (kind === "explain_error") {
      if (!this.failedRun) return;
      message.submission_id = this.failedRun.id;
    }
    if (!this.sendHelp(message, question)) return;
    if (kind === "ask") this.askInput.value = "";
  }

  // "Wait for the tutor's answer" on a declined request: the same help, queued anyway. A turn
  // from an earlier visit has no message of its own: the code as it is now stands in.
  // The declined turn itself waits: the server queues the same request again.
  waitFor(turn) {
    if (!this.connected || this.busy) return false;
    const message = turn.message || { type: "help", kind: turn.kind, code: this.editor.code() };
    const question = turn.question ? turn.question.textContent : null;
    return this.sendHelp(waitingHelp(message, turn.request.id), question, turn);
  }

  // "Ask for a fresh answer" on a shared one: the same help, answered by the model itself.
  askFresh(turn) {
    if (!this.connected || this.busy) return false;
    const message = turn.message || { type: "help", kind: turn.kind, code: this.editor.code() };
    const question = turn.question ? turn.question.textContent : null;
    return this.sendHelp(freshHelp(message), question);
  }

  sendHelp(message, question, declinedTurn = null) {
    const kind = message.kind;
    if (!this.send(message)) return false;
    this.errorLine.hidden = true;
    const turn = declinedTurn || this.addTurn(kind, question);
    turn.message = message;
    this.sending = turn;
    turn.element.scrollIntoView({ block: "nearest" });
    const requeued = declinedTurn ? declinedTurn.request.id : null;
    this.expectReply({
      answers: (reply) =>
        reply.type === "request" &&
        reply.request.kind === kind &&
        (reply.request.id === requeued || !this.knows(reply.request.id)),
      onAnswer: ({ request }) => {
        if (this.sending === turn) this.sending = null;
        if (question) this.questions.set(request.id, question);
        // A declined hint used none of the budget (courses/policy.py).
        const used = kind === "hint" && request.finish_reason !== "declined";
        if (used && Number.isInteger(this.hintsLeft)) this.hintsLeft = Math.max(this.hintsLeft - 1, 0);
        this.turns.set(request.id, turn);
        turn.update(request);
        this.refreshButtons();
      },
      onError: (text) => {
        if (this.sending === turn) this.sending = null;
        if (!declinedTurn) turn.element.remove();
        if (question && !this.askInput.value) this.askInput.value = question;
        this.showError(text);
        this.showEmptyNote();
        this.refreshButtons();
      },
    });
    this.refreshButtons();
    return true;
  }

  // `rate` and `resume` are answered with the request itself, or an `error`.
  sendAbout(id, message) {
    if (!this.send(message)) return;
    this.expectReply({
      answers: (reply) => reply.type === "request" && reply.request.id === id,
      onError: (text) => this.showError(text),
    });
  }

  showError(text) {
    this.errorLine.textContent = text;
    this.errorLine.hidden = false;
  }

  addTurn(kind, question) {
    this.log.querySelector(".empty-note")?.remove();
    const turn = new AiTurn({
      kind,
      question,
      onCancel: (id) => this.send({ type: "cancel", request_id: id }),
      onRate: (id, rating) => this.sendAbout(id, { type: "rate", request_id: id, rating }),
      onWait: (waiting) => this.waitFor(waiting),
      onFresh: (shared) => this.askFresh(shared),
    });
    this.log.append(turn.element);
    return turn;
  }

  showEmptyNote() {
    if (this.log.children.length === 0) {
      this.log.append(
        h("p", { className: "empty-note muted", text: "Answers from the tutor appear here." }),
      );
    }
  }

  // One answer at a time: the model is shared by the whole lab, and it keeps clicks from
  // queueing the same question twice.
  get busy() {
    return this.sending !== null || [...this.turns.values()].some((turn) => !turn.finished);
  }

  get failedRun() {
    const run = this.latestRun;
    return run && run.status === "done" && !run.passed ? run : null;
  }

  // Counts the hint being written too: once it is done, the next one is a level higher.
  get nextHintLevel() {
    const given = [...this.turns.values()].filter(
      (turn) =>
        turn.kind === "hint" &&
        ["done", "queued", "running"].includes(turn.request.status) &&
        // Neither a declined hint nor the instructor's hint to a group climbs the ladder.
        !["declined", "teacher"].includes(turn.request.finish_reason),
    ).length;
    return Math.min(given + 1, HINT_LEVELS);
  }

  refreshButtons() {
    const ready = this.connected && this.config !== null && this.config.enabled && !this.busy;
    const allowed = {
      hint: this.hintsLeft !== 0,
      explain_error: this.failedRun !== null,
      explain_code: this.hasSelection,
      review: this.latestRun?.status === "done" && this.latestRun.passed === true,
      ask: this.askInput.value.trim() !== "",
    };
    for (const [kind, button] of this.buttons) button.disabled = !(ready && allowed[kind]);
    // The question box stays usable offline: a half-typed question must not lose focus.
    this.askInput.disabled = this.config === null || !this.config.enabled;

    const hintParts = [];
    if (this.hintsLeft === 0) hintParts.push("none left");
    else {
      hintParts.push(`level ${this.nextHintLevel} next`);
      if (Number.isInteger(this.hintsLeft)) hintParts.push(`${this.hintsLeft} left`);
    }
    this.hintMeta.textContent = hintParts.join(" · ");
  }
}
