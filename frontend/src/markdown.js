// Markdown for AI answers. The model's text is untrusted: raw HTML in it is shown as text by
// marked, and DOMPurify then keeps only a short list of tags and attributes as a second guard.
// Images never load (a model could point them anywhere): they show as their alt text.
import { pythonLanguage } from "@codemirror/lang-python";
import { classHighlighter, highlightCode } from "@lezer/highlight";
import DOMPurify from "dompurify";
import { Marked } from "marked";

const PYTHON_NAMES = new Set(["", "py", "python", "python3", "pycon", "pytb"]);

const ALLOWED_TAGS = (
  "a blockquote br code del em h1 h2 h3 h4 h5 h6 hr li ol p pre span strong table tbody td th thead tr ul"
).split(" ");
const ALLOWED_ATTR = ["href", "title", "class", "start", "align"];
// Web links and in-page anchors only: no javascript:, data: or other schemes.
const ALLOWED_URI_REGEXP = /^(?:https?:|#)/i;

function escapeHtml(text) {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

// The same lezer parser and tok-* classes as the editor, so answers look like the editor.
function highlightPython(code) {
  let html = "";
  highlightCode(
    code,
    pythonLanguage.parser.parse(code),
    classHighlighter,
    (text, classes) => {
      html += classes ? `<span class="${classes}">${escapeHtml(text)}</span>` : escapeHtml(text);
    },
    () => {
      html += "\n";
    },
  );
  return html;
}

const marked = new Marked({
  gfm: true,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    image: ({ text }) => escapeHtml(text ? `[image: ${text}]` : "[image]"),
    code({ text, lang }) {
      const language = (lang || "").trim().split(/\s+/)[0].toLowerCase();
      const body = PYTHON_NAMES.has(language) ? highlightPython(text) : escapeHtml(text);
      return `<pre class="code-block"><code>${body}</code></pre>\n`;
    },
  },
});

const purifier = DOMPurify(window);
purifier.addHook("afterSanitizeAttributes", (node) => {
  // A followed link must not take the workspace away, nor hand it a window.opener.
  if (node.tagName === "A") {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

// breaks: true turns single newlines into line breaks, as an instructor typing a comment expects.
export function renderMarkdown(text, { breaks = false } = {}) {
  const html = marked.parse(text, { async: false, breaks });
  return purifier.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP,
    RETURN_DOM_FRAGMENT: true,
  });
}
