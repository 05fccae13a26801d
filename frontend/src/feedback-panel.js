// "Feedback from your instructor": the comments instructors left on lines of this student's
// submissions of the exercise, from `hello` and then live (`feedback`, `feedback_removed`).
// Clicking a comment's line shows that line in the editor, found again if the code has changed.
import { h } from "./dom.js";
import { showFeedbackMarkers } from "./feedback-gutter.js";
import { locateLine, markedLines, withComment, withoutComment } from "./feedback-list.js";
import { renderMarkdown } from "./markdown.js";
import { setCollapsed } from "./pane-toggle.js";

const KIND_WORD = { run: "run", submit: "submission" };
const FRESH_MS = 8000;

function timeText(iso) {
  if (!iso) return "";
  const when = new Date(iso);
  const today = when.toDateString() === new Date().toDateString();
  return today
    ? when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
    : when.toLocaleString([], { dateStyle: "short", timeStyle: "short" });
}

export class FeedbackPanel {
  // root: the panel section; editor: { view, code(), revealLine(n) } from editor.js.
  constructor({ root, editor }) {
    this.root = root;
    this.editor = editor;
    this.list = root.querySelector("#feedback-list");
    this.count = root.querySelector("#feedback-count");
    this.status = root.querySelector("#feedback-status");
    this.comments = [];
  }

  hello(comments) {
    this.comments = [...comments];
    this.render();
  }

  add(comment) {
    // New advice is worth seeing: a folded panel opens for it.
    setCollapsed(this.root, false);
    this.comments = withComment(this.comments, comment);
    this.render(comment.id);
    this.status.textContent = `New feedback from ${comment.author} on line ${comment.line}.`;
  }

  remove(commentId) {
    this.comments = withoutComment(this.comments, commentId);
    this.render();
  }

  // From a click on a gutter mark: bring that line's first comment into view.
  showCommentsOnLine(lineNumber) {
    const lines = markedLines(this.docLines(), this.comments);
    const first = (lines.get(lineNumber) || [])[0];
    const item = first && this.list.querySelector(`[data-comment-id="${first.id}"]`);
    if (!item) return;
    item.scrollIntoView({ block: "nearest" });
    item.querySelector("button").focus();
  }

  docLines() {
    return this.editor.code().split("\n");
  }

  render(freshId = null) {
    const visible = this.comments.length > 0;
    this.root.hidden = !visible;
    this.root.parentElement.classList.toggle("has-feedback", visible);
    this.count.textContent = visible ? `${this.comments.length}` : "";
    this.list.replaceChildren(...this.comments.map((comment) => this.item(comment, comment.id === freshId)));
    showFeedbackMarkers(this.editor.view, markedLines(this.docLines(), this.comments));
  }

  item(comment, fresh) {
    const note = h("p", { className: "muted small-text", hidden: true });
    const lineButton = h("button", {
      type: "button",
      className: "feedback-line",
      title: `Show line ${comment.line} in the editor`,
      "aria-label": `Show line ${comment.line} in the editor: ${comment.line_text.trim() || "(blank line)"}`,
      text: comment.line_text || " ",
      onclick: () => {
        const found = locateLine(this.docLines(), comment.line, comment.line_text);
        note.hidden = found !== null;
        note.textContent = "This line is no longer in your code as it was.";
        if (found !== null) this.editor.revealLine(found);
      },
    });
    const item = h(
      "li",
      { className: fresh ? "feedback-item fresh" : "feedback-item", "data-comment-id": comment.id },
      h(
        "p",
        { className: "feedback-head" },
        h("span", {}, h("strong", { text: comment.author }), ` on line ${comment.line}`),
        h(
          "span",
          {},
          `your ${KIND_WORD[comment.submission_kind] || "attempt"} of `,
          h("time", { datetime: comment.submitted_at, text: timeText(comment.submitted_at) }),
        ),
      ),
      lineButton,
      // Instructors write Markdown (`code`, lists); rendered and sanitised like AI answers.
      h("div", { className: "feedback-body markdown" }, renderMarkdown(comment.body, { breaks: true })),
      note,
    );
    if (fresh) setTimeout(() => item.classList.remove("fresh"), FRESH_MS);
    return item;
  }
}
