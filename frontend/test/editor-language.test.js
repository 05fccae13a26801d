import assert from "node:assert/strict";
import { test } from "node:test";

import { EditorState } from "@codemirror/state";
import { syntaxTree } from "@codemirror/language";

import { languageFor } from "../src/editor.js";

function topNode(mode, doc) {
  const state = EditorState.create({ doc, extensions: [languageFor(mode)] });
  return syntaxTree(state).topNode;
}

test("each editor mode gets its grammar", () => {
  assert.equal(topNode("cpp", "int main(void) { return 0; }").name, "Program");
  assert.match(topNode("cpp", "int main(void) { return 0; }").firstChild.name, /FunctionDefinition/);
  assert.match(topNode("java", "class Main {}").firstChild.name, /ClassDeclaration/);
  assert.match(topNode("javascript", "const a = 1;").firstChild.name, /VariableDeclaration/);
  assert.equal(topNode("python", "x = 1").name, "Script");
  assert.equal(topNode("unknown", "x = 1").name, "Script");
});
