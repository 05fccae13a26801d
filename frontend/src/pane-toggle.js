// Hide / Show on the Results and Feedback panes: a student who wants the whole column for the
// AI conversation (or for the results) folds the other panes down to their headers.

const LABELS = { true: "Hide", false: "Show" };

export function setCollapsed(pane, collapsed) {
  const button = pane.querySelector("[data-pane-toggle]");
  pane.classList.toggle("collapsed", collapsed);
  if (!button) return;
  button.setAttribute("aria-expanded", String(!collapsed));
  button.textContent = LABELS[!collapsed];
}

export function wirePaneToggles(root) {
  for (const button of root.querySelectorAll("[data-pane-toggle]")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      const pane = button.closest(".pane");
      setCollapsed(pane, !pane.classList.contains("collapsed"));
    });
  }
}
