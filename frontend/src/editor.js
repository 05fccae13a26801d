// The code editor: CodeMirror 6 set up for the exercise's language (Python, C, Java or
// JavaScript, the editor mode the server's language registry gives the page) the way a lab student needs it, plus the
// red line that points at the traceback of a failed test.
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { cpp } from "@codemirror/lang-cpp";
import { java } from "@codemirror/lang-java";
import { javascript } from "@codemirror/lang-javascript";
import { python } from "@codemirror/lang-python";
import { bracketMatching, indentOnInput, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { Compartment, EditorState, StateEffect, StateField } from "@codemirror/state";
import {
  Decoration,
  EditorView,
  drawSelection,
  dropCursor,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { classHighlighter } from "@lezer/highlight";

const setErrorLines = StateEffect.define();

// The highlighted lines belong to the code that was graded: the first edit makes them stale.
const errorLines = StateField.define({
  create: () => Decoration.none,
  update(lines, transaction) {
    for (const effect of transaction.effects) {
      if (effect.is(setErrorLines)) return effect.value;
    }
    return transaction.docChanged ? Decoration.none : lines;
  },
  provide: (field) => EditorView.decorations.from(field),
});

const errorLine = Decoration.line({ class: "cm-error-line" });

// The line the step-through view ("Trace this test") is on; an edit clears it too.
const setTraceLine = StateEffect.define();
const traceLine = StateField.define({
  create: () => Decoration.none,
  update(lines, transaction) {
    for (const effect of transaction.effects) {
      if (effect.is(setTraceLine)) return effect.value;
    }
    return transaction.docChanged ? Decoration.none : lines;
  },
  provide: (field) => EditorView.decorations.from(field),
});
const tracedLine = Decoration.line({ class: "cm-trace-line" });

// Python counts characters by code point, JavaScript strings by UTF-16 unit: the server
// slices the code with the offsets it is sent, so an emoji in a comment must not shift them.
export function codePointOffset(doc, position) {
  return [...doc.sliceString(0, position)].length;
}

// The editor modes a language's descriptor names (tutor/languages: editor_mode); C uses the C++
// grammar (a superset for what a lab writes). The page says which mode; unknown ones are Python.
const MODES = { cpp, java, javascript, python };

export function languageFor(mode) {
  return (MODES[mode] || python)();
}

export function createEditor({ parent, doc, label, mode, dark, extraExtensions, onUpdate }) {
  const darkness = new Compartment();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        extraExtensions,
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        dropCursor(),
        indentOnInput(),
        // Token colours live in labtutor.css (tok-* classes) so light and dark themes and the
        // code blocks of AI answers share one palette.
        syntaxHighlighting(classHighlighter),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        languageFor(mode),
        indentUnit.of("    "),
        EditorState.tabSize.of(4),
        keymap.of([
          ...closeBracketsKeymap,
          ...defaultKeymap,
          ...searchKeymap,
          ...historyKeymap,
          indentWithTab,
        ]),
        errorLines,
        traceLine,
        darkness.of(EditorView.darkTheme.of(dark)),
        EditorView.contentAttributes.of({ "aria-label": label }),
        EditorView.updateListener.of(onUpdate),
      ],
    }),
  });

  return {
    view,
    code: () => view.state.doc.toString(),

    replaceCode(code) {
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: code },
        selection: { anchor: 0 },
        scrollIntoView: true,
      });
    },

    selection() {
      const { doc, selection } = view.state;
      const { from, to } = selection.main;
      return from === to ? null : { start: codePointOffset(doc, from), end: codePointOffset(doc, to) };
    },

    markErrorLines(numbers) {
      const { doc } = view.state;
      const valid = [...new Set(numbers)]
        .filter((number) => Number.isInteger(number) && number >= 1 && number <= doc.lines)
        .sort((a, b) => a - b);
      const decorations = Decoration.set(valid.map((number) => errorLine.range(doc.line(number).from)));
      view.dispatch({ effects: setErrorLines.of(decorations) });
    },

    revealLine(number) {
      const { doc } = view.state;
      if (!Number.isInteger(number) || number < 1 || number > doc.lines) return;
      const line = doc.line(number);
      view.dispatch({ selection: { anchor: line.from, head: line.to }, scrollIntoView: true });
      view.focus();
    },

    lineText(number) {
      const { doc } = view.state;
      return Number.isInteger(number) && number >= 1 && number <= doc.lines ? doc.line(number).text : null;
    },

    // Highlight one line (null: none) and scroll it into view, without taking the focus.
    markTraceLine(number) {
      const { doc } = view.state;
      if (!Number.isInteger(number) || number < 1 || number > doc.lines) {
        view.dispatch({ effects: setTraceLine.of(Decoration.none) });
        return;
      }
      const line = doc.line(number);
      view.dispatch({
        effects: [
          setTraceLine.of(Decoration.set([tracedLine.range(line.from)])),
          EditorView.scrollIntoView(line.from, { y: "center" }),
        ],
      });
    },

    setDark(isDark) {
      view.dispatch({ effects: darkness.reconfigure(EditorView.darkTheme.of(isDark)) });
    },
  };
}
