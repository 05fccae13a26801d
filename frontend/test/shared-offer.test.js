import assert from "node:assert/strict";
import { test } from "node:test";
import { freshHelp, sharedNote } from "../src/shared-offer.js";

test("an answer written for a classmate says so and offers a fresh one", () => {
  const note = sharedNote({ shared: "model", finish_reason: "shared" });
  assert.match(note.text, /classmate/);
  assert.equal(note.buttonLabel, "Ask for a fresh answer");
});

test("an answer written ahead says it was prepared", () => {
  assert.match(sharedNote({ shared: "ahead" }).text, /before anyone asked/);
});

test("the instructor's hint to a group offers no model answer instead", () => {
  const note = sharedNote({ shared: "teacher", finish_reason: "teacher" });
  assert.match(note.text, /instructor/);
  assert.equal(note.buttonLabel, null);
});

test("the model's own answers carry no note", () => {
  assert.equal(sharedNote({ shared: null, finish_reason: "stop" }), null);
  assert.equal(sharedNote(null), null);
});

test("a fresh request is the same help with fresh: true", () => {
  const message = { type: "help", kind: "hint", code: "x = 1\n" };
  assert.deepEqual(freshHelp(message), { ...message, fresh: true });
  assert.equal(message.fresh, undefined);
});
