import assert from "node:assert/strict";
import { test } from "node:test";

import { EditorState } from "@codemirror/state";
import { syntaxTree } from "@codemirror/language";

import { languageFor } from "../src/editor.js";

function topNode(filename, doc) {
  const state = EditorState.create({ doc, extensions: [languageFor(filename)] });
  return syntaxTree(state).topNode;
}

test("each file gets its language's grammar", () => {
  assert.equal(topNode("solution.c", "int main(void) { return 0; }").name, "Program");
  assert.match(topNode("solution.c", "int main(void) { return 0; }").firstChild.name, /FunctionDefinition/);
  assert.match(topNode("Main.java", "class Main {}").firstChild.name, /ClassDeclaration/);
  assert.match(topNode("solution.js", "const a = 1;").firstChild.name, /VariableDeclaration/);
  assert.equal(topNode("solution.py", "x = 1").name, "Script");
  assert.equal(topNode("notes.unknown", "x = 1").name, "Script");
});
