import assert from "node:assert/strict";
import { test } from "node:test";
import { busyOffer, waitingHelp } from "../src/busy-offer.js";

const declinedHint = {
  kind: "hint",
  status: "done",
  finish_reason: "declined",
  busy_seconds: 184,
  authored_hint: "Look at the loop's end condition.",
  reply: "Look at the loop's end condition.\n\n(The tutor is busy ...)",
};

test("a declined hint says how long the tutor would take and offers to wait", () => {
  const offer = busyOffer(declinedHint);
  assert.equal(offer.text, "The tutor is busy: an answer would take about 184 s.");
  assert.equal(offer.buttonLabel, "Wait for the tutor's answer");
  assert.equal(offer.showReply, false, "the instructor's hint is shown once, not twice");
});

test("declined help without an authored hint keeps its reply and has no made-up time", () => {
  const offer = busyOffer({ ...declinedHint, kind: "ask", authored_hint: null, busy_seconds: null });
  assert.equal(offer.text, "The tutor is busy right now.");
  assert.equal(offer.showReply, true);
});

test("answers the model wrote, and declined inline completions, offer nothing", () => {
  assert.equal(busyOffer({ ...declinedHint, finish_reason: "stop" }), null);
  assert.equal(busyOffer({ ...declinedHint, finish_reason: "length", busy_seconds: null }), null);
  assert.equal(busyOffer({ ...declinedHint, kind: "complete" }), null);
  assert.equal(busyOffer(null), null);
});

test("waiting sends the same help again with wait: true for the declined request, leaving the original alone", () => {
  const original = { type: "help", kind: "hint", code: "def add(a, b):\n    pass\n" };
  assert.deepEqual(waitingHelp(original, 41), { ...original, wait: true, declined_id: 41 });
  assert.equal("wait" in original, false);
});
