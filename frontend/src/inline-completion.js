// Inline completion: after a pause in typing, ask the model to continue the code at the cursor
// and show its streamed text as dimmed ghost text. Tab takes it, Esc (or any edit) drops it.
import { Prec, StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView, WidgetType, keymap } from "@codemirror/view";
import { codePointOffset } from "./editor.js";
import { StreamedText } from "./streamed-text.js";

const PAUSE_MS = 600;
const FINISHED = new Set(["done", "failed", "cancelled"]);

const showGhost = StateEffect.define();
const hideGhost = StateEffect.define();

class GhostWidget extends WidgetType {
  constructor(text) {
    super();
    this.text = text;
  }

  eq(other) {
    return other.text === this.text;
  }

  toDOM() {
    const span = document.createElement("span");
    span.className = "cm-ghost-text";
    span.setAttribute("aria-hidden", "true");
    span.textContent = this.text;
    return span;
  }
}

// { text, position } while a suggestion is on screen; any edit or cursor move clears it.
const ghostField = StateField.define({
  create: () => null,
  update(ghost, transaction) {
    for (const effect of transaction.effects) {
      if (effect.is(showGhost)) return effect.value;
      if (effect.is(hideGhost)) return null;
    }
    return transaction.docChanged || transaction.selection ? null : ghost;
  },
  provide: (field) =>
    EditorView.decorations.from(field, (ghost) =>
      ghost
        ? Decoration.set([
            Decoration.widget({ widget: new GhostWidget(ghost.text), side: 1 }).range(ghost.position),
          ])
        : Decoration.none,
    ),
});

export class InlineCompletion {
  // send(message) -> bool; expectReply(entry) waits for the server's answer to a message
  // (see awaited-replies.js).
  constructor({ send, expectReply }) {
    this.send = send;
    this.expectReply = expectReply;
    this.enabled = false;
    this.view = null;
    this.timer = null;
    this.current = null; // { id, position, stream, finished } of the suggestion being shown
    this.ids = new Set(); // every completion request of this page, so their updates stay here
  }

  // Highest precedence: without ghost text these bindings return false, so Tab still
  // indents and Esc keeps its usual meaning.
  extension() {
    return [
      ghostField,
      Prec.highest(
        keymap.of([
          { key: "Tab", run: (view) => this.accept(view) },
          { key: "Escape", run: (view) => this.dismiss(view) },
        ]),
      ),
    ];
  }

  attach(view) {
    this.view = view;
  }

  setEnabled(enabled) {
    this.enabled = enabled;
    if (!enabled) this.stop();
  }

  // Every edit or cursor move drops the suggestion; only typing starts the pause again.
  editorChanged(update) {
    if (!update.docChanged && !update.selectionSet) return;
    this.stop();
    if (update.docChanged && this.enabled) this.timer = setTimeout(() => this.ask(), PAUSE_MS);
  }

  ask() {
    const { state } = this.view;
    const { main } = state.selection;
    if (!this.view.hasFocus || !main.empty) return;
    const sent = this.send({
      type: "help",
      kind: "complete",
      code: state.doc.toString(),
      cursor: codePointOffset(state.doc, main.head),
    });
    if (!sent) return;
    const suggestion = { id: null, position: main.head, stream: new StreamedText(), finished: false };
    this.current = suggestion;
    this.expectReply({
      answers: (message) =>
        message.type === "request" &&
        message.request.kind === "complete" &&
        !this.knows(message.request.id),
      onAnswer: (message) => this.arrived(suggestion, message.request),
      onError: () => {
        if (this.current === suggestion) this.current = null;
      },
    });
  }

  arrived(suggestion, request) {
    suggestion.id = request.id;
    this.ids.add(request.id);
    // The student moved on before the server even answered: free the model at once.
    if (suggestion !== this.current) this.sendCancel(request);
    else this.update(request);
  }

  knows(id) {
    return this.ids.has(id);
  }

  update(request) {
    const suggestion = this.current;
    if (!suggestion || suggestion.id !== request.id) return;
    suggestion.finished = FINISHED.has(request.status);
    suggestion.stream.snapshot(request.reply, request.seq, suggestion.finished);
    this.showText();
  }

  takeDelta(delta) {
    const suggestion = this.current;
    if (
      suggestion &&
      suggestion.id === delta.request_id &&
      suggestion.stream.add(delta.seq, delta.text)
    ) {
      this.showText();
    }
  }

  showText() {
    const text = this.current.stream.text();
    if (text) this.view.dispatch({ effects: showGhost.of({ text, position: this.current.position }) });
  }

  accept(view) {
    const ghost = view.state.field(ghostField);
    if (!ghost) return false;
    view.dispatch({
      changes: { from: ghost.position, insert: ghost.text },
      selection: { anchor: ghost.position + ghost.text.length },
      scrollIntoView: true,
    });
    return true;
  }

  dismiss(view) {
    if (!view.state.field(ghostField)) return false;
    this.stop();
    view.dispatch({ effects: hideGhost.of(null) });
    return true;
  }

  // Forget the suggestion; a request still generating is cancelled to free the model's slot
  // (one without an id yet is cancelled when its id arrives, see arrived()).
  stop() {
    clearTimeout(this.timer);
    this.timer = null;
    const suggestion = this.current;
    this.current = null;
    if (suggestion && suggestion.id !== null && !suggestion.finished) {
      this.sendCancel({ id: suggestion.id, status: "running" });
    }
  }

  sendCancel(request) {
    if (!FINISHED.has(request.status)) this.send({ type: "cancel", request_id: request.id });
  }

  // After a reconnect the old socket's suggestion is gone; the ghost text goes with it.
  reset() {
    clearTimeout(this.timer);
    this.timer = null;
    this.current = null;
    if (this.view && this.view.state.field(ghostField))
      this.view.dispatch({ effects: hideGhost.of(null) });
  }
}
