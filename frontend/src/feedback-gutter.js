// A gutter beside the line numbers with a mark on each line an instructor commented on. The
// marks follow their lines while the student edits; clicking one shows its comment in the panel.
import { RangeSet, StateEffect, StateField } from "@codemirror/state";
import { GutterMarker, gutter } from "@codemirror/view";

const setMarkers = StateEffect.define();

class FeedbackMarker extends GutterMarker {
  constructor(title) {
    super();
    this.title = title;
  }

  eq(other) {
    return other.title === this.title;
  }

  toDOM() {
    const mark = document.createElement("span");
    mark.className = "cm-feedback-marker";
    mark.textContent = "●";
    mark.title = this.title;
    // The panel lists every comment with its line: the mark only helps eyes and mice.
    mark.setAttribute("aria-hidden", "true");
    return mark;
  }
}

const markerField = StateField.define({
  create: () => RangeSet.empty,
  update(markers, transaction) {
    for (const effect of transaction.effects) {
      if (effect.is(setMarkers)) return effect.value;
    }
    return markers.map(transaction.changes);
  },
});

function markerAt(state, position) {
  let found = false;
  state.field(markerField).between(position, position, () => {
    found = true;
    return false;
  });
  return found;
}

// onMarkerClick(lineNumber) is called when the student clicks a line's mark.
export function feedbackGutter({ onMarkerClick }) {
  return [
    markerField,
    gutter({
      class: "cm-feedback-gutter",
      markers: (view) => view.state.field(markerField),
      domEventHandlers: {
        mousedown(view, line) {
          if (!markerAt(view.state, line.from)) return false;
          onMarkerClick(view.state.doc.lineAt(line.from).number);
          return true;
        },
      },
    }),
  ];
}

// lines: Map of line number -> comments on it (markedLines in feedback-list.js).
export function showFeedbackMarkers(view, lines) {
  const { doc } = view.state;
  const ranges = [...lines.entries()]
    .filter(([number]) => Number.isInteger(number) && number >= 1 && number <= doc.lines)
    .sort(([a], [b]) => a - b)
    .map(([number, comments]) => {
      const title = comments.map((comment) => `${comment.author}: ${comment.body}`).join("\n\n");
      return new FeedbackMarker(title).range(doc.line(number).from);
    });
  view.dispatch({ effects: setMarkers.of(RangeSet.of(ranges)) });
}
