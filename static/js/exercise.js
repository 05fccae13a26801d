// Run / Submit: post the code, then follow the submission over a WebSocket until it is graded.
(function () {
  "use strict";
  const root = document.querySelector(".workspace");
  if (!root) return;
  const code = document.getElementById("code");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const buttons = [document.getElementById("run"), document.getElementById("submit")];
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;

  function setBusy(busy, text) {
    buttons.forEach((button) => { button.disabled = busy; });
    status.textContent = text;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function renderTest(test) {
    const item = element("li", "test " + test.outcome);
    item.append(element("strong", null, (test.outcome === "passed" ? "✔ " : "✘ ") + test.name));
    if (test.hidden) item.append(element("span", "hidden-note", " (hidden test)"));
    if (test.message && !test.hidden) item.append(element("pre", "message", test.message));
    if (test.expected != null && test.actual != null) {
      item.append(element("pre", "diff", "expected: " + test.expected + "\nactual:   " + test.actual));
    }
    if (test.stdout) item.append(element("pre", "stdout", test.stdout));
    return item;
  }

  function render(submission) {
    results.replaceChildren();
    if (submission.status === "queued" || submission.status === "running") {
      setBusy(true, submission.status === "queued" ? "Waiting for the grader…" : "Running your tests…");
      return false;
    }
    setBusy(false, "");
    if (submission.status === "error") {
      results.append(element("p", "error", submission.error_message));
      return true;
    }
    const summary = submission.passed ? "All tests passed!" : "Some tests failed.";
    results.append(element("p", submission.passed ? "ok" : "error",
      summary + " (" + submission.tests_passed + "/" + submission.tests_total + ")"));
    if (submission.result && submission.result.message) {
      results.append(element("p", "message", submission.result.message));
    }
    const list = element("ul", "tests");
    (submission.result ? submission.result.tests : []).forEach((test) => list.append(renderTest(test)));
    results.append(list);
    return true;
  }

  function follow(id) {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + "/ws/submissions/" + id + "/");
    socket.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if (data.type === "submission" && render(data.submission)) socket.close();
    };
    socket.onerror = () => setBusy(false, "Lost the connection to the server; try again.");
  }

  async function send(kind) {
    setBusy(true, "Sending…");
    try {
      const response = await fetch(root.dataset.submitUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ code: code.value, kind: kind }),
      });
      const data = await response.json();
      if (!response.ok) { setBusy(false, data.error || "The server refused the code."); return; }
      follow(data.id);
    } catch (error) {
      setBusy(false, "The server cannot be reached; your code is still here.");
    }
  }

  buttons[0].addEventListener("click", () => send("run"));
  buttons[1].addEventListener("click", () => send("submit"));
})();
