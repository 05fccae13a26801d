// The student workspace page (templates/workspace/exercise.html): wires the editor, the socket,
// grading results, draft autosave and the AI panel together.
import { AiPanel } from "./ai-panel.js";
import { AwaitedReplies } from "./awaited-replies.js";
import { readJson, shortcutText } from "./dom.js";
import { DraftAutosave } from "./draft-autosave.js";
import { createEditor } from "./editor.js";
import { feedbackGutter } from "./feedback-gutter.js";
import { FeedbackPanel } from "./feedback-panel.js";
import { Grading } from "./grading.js";
import { InlineCompletion } from "./inline-completion.js";
import { wirePaneToggles } from "./pane-toggle.js";
import { ResultsView } from "./results-view.js";
import { TraceView } from "./trace-view.js";
import { WorkspaceSocket } from "./socket.js";
import { THEME_EVENT, isDarkTheme } from "./theme-state.js";

const root = document.getElementById("workspace");
const byId = (id) => document.getElementById(id);

const socket = new WorkspaceSocket(root.dataset.socketPath);
const replies = new AwaitedReplies();
const send = (message) => socket.send(message);
const expectReply = (entry) => replies.expect(entry);

// The parts below need the editor, and the editor's update listener needs them: it only
// fires for edits, which cannot happen before this script has finished.
let draft;
let grading;
let aiPanel;
let feedback;
const initialCode = readJson("initial-code");
const completion = new InlineCompletion({ send, expectReply });
const editor = createEditor({
  parent: byId("editor"),
  doc: initialCode,
  label: `Code editor: ${root.dataset.filename}`,
  mode: root.dataset.editorMode,
  dark: isDarkTheme(),
  extraExtensions: [
    completion.extension(),
    feedbackGutter({ onMarkerClick: (line) => feedback.showCommentsOnLine(line) }),
  ],
  onUpdate(update) {
    if (update.docChanged) {
      draft.edited();
      grading.codeChanged();
    }
    if (update.selectionSet) aiPanel.setHasSelection(!update.state.selection.main.empty);
    completion.editorChanged(update);
  },
});
completion.attach(editor.view);
document.addEventListener(THEME_EVENT, (event) => editor.setDark(event.detail.dark));

const results = new ResultsView({
  root: byId("results-detail"),
  summary: byId("results-summary"),
  onRevealLine: (line) => editor.revealLine(line),
  trace: new TraceView({ editor }),
});
results.clear();

draft = new DraftAutosave({
  code: editor.code,
  send,
  expectReply,
  isOnline: () => socket.isOpen,
  statusElement: byId("draft-status"),
  beaconUrl: root.dataset.draftUrl,
  csrfToken: document.querySelector("input[name=csrfmiddlewaretoken]").value,
  savedCode: initialCode,
});

feedback = new FeedbackPanel({ root: byId("feedback-panel"), editor });
wirePaneToggles(root);

aiPanel = new AiPanel({ root: byId("ai-panel"), editor, send, expectReply });

grading = new Grading({
  buttons: { run: byId("run"), submit: byId("submit") },
  editor,
  results,
  send,
  expectReply,
  onResult: (submission) => aiPanel.setLatestRun(submission),
});

const connection = byId("connection");
function showConnection(state, text) {
  connection.dataset.state = state;
  connection.textContent = text;
}

socket.addEventListener("up", () => showConnection("online", "Connected"));
socket.addEventListener("down", () => {
  replies.clear();
  completion.reset();
  grading.disconnected();
  aiPanel.disconnected();
  draft.disconnected();
  if (socket.signedOut) showConnection("offline", "Signed out — reload the page to log in again");
  else showConnection("offline", "Offline — reconnecting…");
});

function errorText({ message, retry_after_seconds: retryAfter }) {
  return Number.isFinite(retryAfter) && retryAfter > 0
    ? `${message} Try again in ${Math.ceil(retryAfter)} s.`
    : message;
}

socket.addEventListener("message", ({ detail: message }) => {
  switch (message.type) {
    case "hello": {
      const { ai } = message;
      replies.clear();
      completion.reset();
      completion.setEnabled(ai.enabled && ai.inline_completion && ai.kinds.includes("complete"));
      grading.hello(message.latest_submission);
      aiPanel.hello(ai, message.requests || []);
      feedback.hello(message.feedback || []);
      draft.connected();
      break;
    }
    case "ai_settings":
      completion.setEnabled(
        message.ai.enabled && message.ai.inline_completion && message.ai.kinds.includes("complete"),
      );
      aiPanel.applySettings(message.ai);
      break;
    case "submission":
      replies.answer(message);
      grading.update(message.submission);
      break;
    case "draft_saved":
      replies.answer(message)?.onAnswer?.(message);
      break;
    case "request": {
      const entry = replies.answer(message);
      if (entry?.onAnswer) entry.onAnswer(message);
      else if (completion.knows(message.request.id)) completion.update(message.request);
      else aiPanel.update(message.request);
      break;
    }
    case "delta":
      if (completion.knows(message.request_id)) completion.takeDelta(message);
      else aiPanel.takeDelta(message);
      break;
    case "feedback":
      feedback.add(message.comment);
      break;
    case "feedback_removed":
      feedback.remove(message.comment_id);
      break;
    case "queue":
      aiPanel.showQueue(message);
      break;
    case "error":
      if (!replies.fail(errorText(message))) aiPanel.showError(errorText(message));
      break;
    default:
      break; // a newer server may send types this page does not know yet
  }
});

const resetDialog = byId("reset-dialog");

// The shortcuts work from anywhere on the page, so they are caught before the editor's own
// keymap (where Ctrl+Enter would insert a blank line); not behind the open reset dialog.
window.addEventListener(
  "keydown",
  (event) => {
    if (resetDialog.open) return;
    const mod = event.ctrlKey || event.metaKey;
    let action = null;
    if (mod && !event.altKey && event.key === "Enter") action = event.shiftKey ? "submit" : "run";
    else if (event.altKey && !mod && !event.shiftKey && event.code === "KeyH") action = "hint";
    if (!action) return;
    event.preventDefault();
    event.stopPropagation();
    if (action === "hint") aiPanel.nextHint();
    else grading.start(action);
  },
  { capture: true },
);

byId("reset").addEventListener("click", () => {
  resetDialog.returnValue = ""; // Esc closes without a value; an old "reset" must not count
  resetDialog.showModal();
});
resetDialog.addEventListener("close", () => {
  if (resetDialog.returnValue !== "reset") return;
  editor.replaceCode(readJson("starter-code"));
  editor.view.focus();
});

for (const element of document.querySelectorAll("[data-shortcut-text]")) {
  element.textContent = shortcutText(element.textContent);
}
for (const element of document.querySelectorAll("[title]")) {
  element.title = shortcutText(element.title);
}

showConnection("connecting", "Connecting…");
socket.connect();
