import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamedText } from "../src/streamed-text.js";

test("deltas join in seq order and duplicates are ignored", () => {
  const stream = new StreamedText();
  stream.snapshot("", undefined);
  assert.equal(stream.add(2, " world"), true);
  assert.equal(stream.text(), "", "text after a gap waits for the gap");
  stream.add(1, "Hello");
  assert.equal(stream.add(1, "Hello"), false);
  assert.equal(stream.text(), "Hello world");
});

test("a snapshot includes the deltas received before it", () => {
  const stream = new StreamedText();
  stream.add(1, "a");
  stream.add(2, "b");
  stream.snapshot("ab", undefined);
  assert.equal(stream.add(2, "b"), false);
  stream.add(3, "c");
  assert.equal(stream.text(), "abc");
});

test("after a reconnect the first delta anchors the text so far", () => {
  const stream = new StreamedText();
  stream.snapshot("text so far", undefined);
  stream.add(7, ", more");
  stream.add(8, ".");
  assert.equal(stream.text(), "text so far, more.");
});

test("a snapshot's seq, when the server sends it, decides what is new", () => {
  const stream = new StreamedText();
  stream.snapshot("abc", 3);
  assert.equal(stream.add(3, "c"), false);
  stream.add(4, "d");
  assert.equal(stream.text(), "abcd");
});

test("the final reply replaces the stream and ends it", () => {
  const stream = new StreamedText();
  stream.add(1, "partial");
  stream.snapshot("the whole answer", undefined, true);
  assert.equal(stream.add(2, " late"), false);
  assert.equal(stream.text(), "the whole answer");
});
