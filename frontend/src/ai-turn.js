// One exchange in the AI panel: what the student asked for, the streamed answer (Markdown,
// re-rendered at most once per frame while it grows), its state, Cancel and the rating.
import { busyOffer } from "./busy-offer.js";
import { sharedNote } from "./shared-offer.js";
import { ICONS, h, icon } from "./dom.js";
import { renderMarkdown } from "./markdown.js";
import { StreamedText } from "./streamed-text.js";

export const FINISHED = new Set(["done", "failed", "cancelled"]);

const KIND_TITLES = {
  hint: "Hint",
  explain_error: "Explain this error",
  explain_code: "Explain selection",
  review: "Review my code",
  ask: "Question",
};

function timeText(iso) {
  if (!iso) return "";
  const when = new Date(iso);
  const today = when.toDateString() === new Date().toDateString();
  return today
    ? when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
    : when.toLocaleString([], { dateStyle: "short", timeStyle: "short" });
}

export class AiTurn {
  // question: the text of an `ask` (the server's history may not repeat it). onWait(turn):
  // the student chose to wait for the model after the busy tutor declined this request.
  // onFresh(turn): the student asks the model for its own answer instead of a shared one.
  constructor({ kind, question, onCancel, onRate, onWait, onFresh }) {
    this.kind = kind;
    this.message = null; // the `help` message that asked for it, when sent from this page
    this.request = null;
    this.stream = new StreamedText();
    this.queueText = "";
    this.framePending = false;
    this.onCancel = onCancel;
    this.onRate = onRate;

    this.title = h("span", { className: "turn-title", text: KIND_TITLES[kind] || kind });
    this.time = h("time", { className: "turn-time" });
    this.question = question ? h("p", { className: "turn-question", text: question }) : null;
    // The exercise's own hint for the level: certainly right, shown at once while the model
    // (perhaps a weak demo one) writes below it.
    this.authored = h("div", { className: "turn-authored" });
    this.authored.hidden = true;
    this.status = h("p", { className: "turn-status", "aria-live": "polite" }, "Sending…");
    this.answer = h("div", {
      className: "turn-answer markdown",
      "aria-live": "polite",
      "aria-busy": "true",
    });
    this.cancelButton = h("button", {
      type: "button",
      className: "small",
      text: "Cancel",
      onclick: () => {
        if (!this.onCancel(this.request.id)) return;
        this.cancelButton.disabled = true;
        this.cancelButton.textContent = "Cancelling…";
      },
    });
    this.cancelButton.hidden = true;
    this.busyText = h("span", { className: "turn-busy-text" });
    this.waitButton = h("button", {
      type: "button",
      className: "small",
      onclick: () => {
        if (onWait(this)) this.waitButton.disabled = true;
      },
    });
    this.busy = h("div", { className: "turn-busy", role: "status" }, this.busyText, this.waitButton);
    this.busy.hidden = true;
    this.sharedText = h("span", { className: "turn-shared-text" });
    this.freshButton = h("button", {
      type: "button",
      className: "small",
      onclick: () => {
        if (onFresh(this)) this.freshButton.disabled = true;
      },
    });
    this.shared = h("div", { className: "turn-shared" }, this.sharedText, this.freshButton);
    this.shared.hidden = true;
    this.rateButtons = [
      this.rateButton(1, "Helpful", ICONS.thumbUp),
      this.rateButton(-1, "Not helpful", ICONS.thumbDown),
    ];
    this.rating = h(
      "div",
      { className: "turn-rating", role: "group", "aria-label": "Was this answer helpful?" },
      ...this.rateButtons,
    );
    this.rating.hidden = true;
    this.header = h("header", { className: "turn-header" }, this.title, this.time);
    this.element = h(
      "article",
      { className: `turn turn-${kind}`, "aria-label": KIND_TITLES[kind] || kind },
      this.header,
      this.question,
      this.authored,
      this.shared,
      this.answer,
      this.busy,
      this.status,
      h("footer", { className: "turn-footer" }, this.cancelButton, this.rating),
    );
  }

  rateButton(value, label, path) {
    const button = h(
      "button",
      {
        type: "button",
        className: "small rate",
        "aria-pressed": "false",
        title: label,
        onclick: () => {
          this.showRating(value);
          this.onRate(this.request.id, value);
        },
      },
      icon(path),
      h("span", { text: label }),
    );
    button.dataset.rating = String(value);
    return button;
  }

  get id() {
    return this.request ? this.request.id : null;
  }

  get finished() {
    return this.request !== null && FINISHED.has(this.request.status);
  }

  update(request) {
    this.request = request;
    const finished = FINISHED.has(request.status);
    if (request.status !== "queued") this.queueText = "";
    this.stream.snapshot(request.reply, request.seq, finished);
    if (request.kind === "hint" && request.hint_level) {
      this.title.textContent = `Hint (level ${request.hint_level})`;
    }
    if (request.authored_hint && this.authored.hidden) {
      this.authored.replaceChildren(
        h("p", { className: "turn-authored-label", text: "From your instructor's hints:" }),
        renderMarkdown(request.authored_hint),
      );
      this.authored.hidden = false;
    }
    if (request.question && !this.question) {
      this.question = h("p", { className: "turn-question", text: request.question });
      this.header.after(this.question);
    }
    this.time.dateTime = request.created_at || "";
    this.time.textContent = timeText(request.created_at);
    this.cancelButton.hidden = finished;
    this.rating.hidden = request.status !== "done";
    this.showRating(request.rating);
    this.answer.setAttribute("aria-busy", String(!finished));
    this.showBusyOffer(busyOffer(request));
    this.showShared(sharedNote(request));
    this.renderStatus();
    this.scheduleRender();
  }

  addDelta(delta) {
    if (!this.stream.add(delta.seq, delta.text)) return;
    this.renderStatus();
    this.scheduleRender();
  }

  showQueue(position, seconds) {
    const place = position + 1; // the server counts the requests ahead; 1 means next
    const wait = Number.isFinite(seconds) && seconds > 0 ? `, about ${Math.ceil(seconds)} s` : "";
    this.queueText = `Position ${place} in the queue${wait}`;
    this.renderStatus();
  }

  renderStatus() {
    const request = this.request;
    let text = "";
    let className = "turn-status";
    if (request === null) text = "Sending…";
    else if (request.status === "queued") text = this.queueText || "Waiting for the tutor…";
    else if (request.status === "running")
      text = this.stream.text() ? "Answering…" : "The tutor is thinking…";
    else if (request.finish_reason === "declined") text = "";
    else if (request.status === "done" && !this.stream.text().trim())
      text = "The tutor had nothing to add this time.";
    else if (request.status === "failed") {
      text = request.error_message || "The tutor could not answer. Please ask again.";
      className += " error";
    } else if (request.status === "cancelled") text = "Cancelled.";
    else if (request.finish_reason === "length") text = "The answer was cut short at its length limit.";
    this.status.textContent = text;
    this.status.className = className;
    this.status.hidden = text === "";
  }

  showBusyOffer(offer) {
    this.busy.hidden = offer === null;
    this.answer.hidden = offer !== null && !offer.showReply;
    if (offer === null) return;
    this.busyText.textContent = offer.text;
    this.waitButton.textContent = offer.buttonLabel;
    this.rating.hidden = true; // nothing from the model to rate
  }

  showShared(note) {
    this.shared.hidden = note === null;
    if (note === null) return;
    this.sharedText.textContent = note.text;
    this.freshButton.hidden = !note.buttonLabel;
    this.freshButton.textContent = note.buttonLabel || "";
  }

  showRating(rating) {
    for (const button of this.rateButtons) {
      button.setAttribute("aria-pressed", String(Number(button.dataset.rating) === rating));
    }
  }

  // Markdown is rebuilt from the whole text: cheaper to reason about than patching the DOM,
  // and an answer is a few KB. Once per frame keeps fast token streams smooth.
  scheduleRender() {
    if (this.framePending) return;
    this.framePending = true;
    requestAnimationFrame(() => {
      this.framePending = false;
      const log = this.element.parentElement;
      const atBottom = log && log.scrollHeight - log.scrollTop - log.clientHeight < 40;
      this.answer.replaceChildren(renderMarkdown(this.stream.text()));
      if (atBottom) log.scrollTop = log.scrollHeight;
    });
  }
}
