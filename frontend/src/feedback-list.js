// The instructor feedback of one exercise as plain data: kept in the order the panel shows it,
// and each comment's line found again in code the student has edited since.
// No DOM here, so node --test covers it (test/feedback-list.test.js).

// Newest submission first, then in line order, then oldest comment first: the order of
// feedback_for_student in tutor/review/selectors/feedback.py, so live additions land in place.
export function compareFeedback(a, b) {
  return (
    b.submitted_at.localeCompare(a.submitted_at) ||
    b.submission_id - a.submission_id ||
    a.line - b.line ||
    a.created_at.localeCompare(b.created_at) ||
    a.id - b.id
  );
}

// The list with `comment` added, or replacing the one with its id (a repeated event).
export function withComment(comments, comment) {
  return [...comments.filter((known) => known.id !== comment.id), comment].sort(compareFeedback);
}

export function withoutComment(comments, commentId) {
  return comments.filter((comment) => comment.id !== commentId);
}

// Where a comment's line is in the editor now. The comment was written on a submitted copy of
// the code; the editor may hold a later draft, where that line moved or is gone.
// Returns the line number (1-based) or null:
//  - the same number, if that line still reads the same;
//  - else the nearest line with the same text (ignoring indentation and trailing spaces), but
//    not for a blank line, which would match anywhere;
//  - else null: the line is not in the code any more.
export function locateLine(docLines, line, lineText) {
  const wanted = lineText.trim();
  if (docLines[line - 1] !== undefined && docLines[line - 1].trim() === wanted) return line;
  if (wanted === "") return null;
  let best = null;
  docLines.forEach((text, index) => {
    if (text.trim() !== wanted) return;
    const distance = Math.abs(index + 1 - line);
    if (best === null || distance < Math.abs(best - line)) best = index + 1;
  });
  return best;
}

// Line number -> the comments shown on it, for the editor's gutter markers.
export function markedLines(docLines, comments) {
  const lines = new Map();
  for (const comment of comments) {
    const found = locateLine(docLines, comment.line, comment.line_text);
    if (found === null) continue;
    if (!lines.has(found)) lines.set(found, []);
    lines.get(found).push(comment);
  }
  return lines;
}
