// Rebuilds one AI answer from its `request` snapshots (`reply`) and its `delta` messages.
//
// A snapshot's `reply` holds every delta the worker published before it (the worker stores the
// text before it announces it), so deltas already received are part of it. If the server sends
// `seq` with the snapshot (the last delta it includes) that is used instead of guessing.

export class StreamedText {
  constructor() {
    this.base = "";
    this.baseSeq = 0; // null: not known yet, fixed by the first delta that arrives
    this.deltas = new Map();
    this.final = false;
  }

  snapshot(reply, seq, finished = false) {
    const text = reply || "";
    if (Number.isInteger(seq)) this.baseSeq = seq;
    else if (this.deltas.size > 0) this.baseSeq = Math.max(...this.deltas.keys());
    else if (text === "") this.baseSeq = 0;
    else this.baseSeq = null;
    this.base = text;
    for (const seen of this.deltas.keys()) {
      if (this.baseSeq === null || seen <= this.baseSeq) this.deltas.delete(seen);
    }
    this.final = finished;
  }

  // Returns whether the text grew (a duplicate or a delta after the final reply does not).
  add(seq, text) {
    if (this.final || !Number.isInteger(seq) || this.deltas.has(seq)) return false;
    if (this.baseSeq !== null && seq <= this.baseSeq) return false;
    if (this.baseSeq === null) this.baseSeq = seq - 1;
    this.deltas.set(seq, text);
    return true;
  }

  // Deltas can overtake each other; text after a gap waits until the gap is filled.
  text() {
    let text = this.base;
    for (let seq = this.baseSeq + 1; this.deltas.has(seq); seq += 1) text += this.deltas.get(seq);
    return text;
  }
}
