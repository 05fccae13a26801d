// Loaded in <head> on every page (static/js/theme.js): applies the stored theme before the
// first paint, then wires the toggle button in the top bar.
import { THEME_EVENT, THEME_STORAGE_KEY, darkQuery, isDarkTheme, storedTheme } from "./theme-state.js";

const root = document.documentElement;
const stored = storedTheme();
if (stored === "light" || stored === "dark") root.dataset.theme = stored;

function choose(theme) {
  // Picking what the system prefers anyway goes back to following the system.
  const followSystem = (theme === "dark") === darkQuery.matches;
  try {
    if (followSystem) localStorage.removeItem(THEME_STORAGE_KEY);
    else localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Without storage the choice lasts until the next page load.
  }
  if (followSystem) delete root.dataset.theme;
  else root.dataset.theme = theme;
  announce();
}

function announce() {
  const button = document.getElementById("theme-toggle");
  if (button) button.setAttribute("aria-pressed", String(isDarkTheme()));
  document.dispatchEvent(new CustomEvent(THEME_EVENT, { detail: { dark: isDarkTheme() } }));
}

darkQuery.addEventListener("change", announce);
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("theme-toggle");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", () => choose(isDarkTheme() ? "light" : "dark"));
  announce();
});
