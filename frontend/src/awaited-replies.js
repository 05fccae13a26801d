// Which of our messages an `error` refers to. The consumer handles one message at a time and
// answers each run/submit, draft, help, rate and resume with exactly one message (its result
// or an `error`), so the oldest message still waiting is the one an `error` refuses.

export class AwaitedReplies {
  constructor() {
    this.entries = [];
  }

  // entry: { answers(message) -> bool, onAnswer?(message), onError(text) }
  expect(entry) {
    this.entries.push(entry);
  }

  // Returns the entry a server message settles, or null when it settles none.
  answer(message) {
    const index = this.entries.findIndex((entry) => entry.answers(message));
    if (index < 0) return null;
    const [entry] = this.entries.splice(index, 1);
    return entry;
  }

  fail(text) {
    const entry = this.entries.shift();
    if (!entry) return false;
    entry.onError(text);
    return true;
  }

  // A new socket answers nothing the old one was asked.
  clear() {
    this.entries = [];
  }
}
