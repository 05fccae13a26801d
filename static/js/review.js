// The review page (templates/review/submission.html) works without this file; with it, picking
// a line number fills the comment form in place, "Compare with" applies at once, and deleting a
// comment asks first.
(() => {
  const form = document.querySelector(".comment-form");
  const lineInput = form?.querySelector("input[name=line]");
  const body = form?.querySelector("textarea[name=body]");

  function select(lineNumber) {
    for (const row of document.querySelectorAll(".code-line.selected")) row.classList.remove("selected");
    document.getElementById(`L${lineNumber}`)?.classList.add("selected");
  }

  for (const link of document.querySelectorAll(".line-number[data-line]")) {
    link.addEventListener("click", (event) => {
      if (!lineInput || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      lineInput.value = link.dataset.line;
      select(link.dataset.line);
      body.focus();
    });
  }
  lineInput?.addEventListener("input", () => select(lineInput.value));
  if (lineInput?.value) select(lineInput.value);

  const against = document.querySelector(".against-form select");
  against?.addEventListener("change", () => against.form.requestSubmit());

  for (const deleteForm of document.querySelectorAll("form[data-confirm]")) {
    deleteForm.addEventListener("submit", (event) => {
      if (!window.confirm(deleteForm.dataset.confirm)) event.preventDefault();
    });
  }
})();
