// Light or dark: the student's choice (localStorage) wins, else the system's preference.

export const THEME_STORAGE_KEY = "labtutor-theme";
export const THEME_EVENT = "labtutor:theme";
export const darkQuery = window.matchMedia("(prefers-color-scheme: dark)");

export function storedTheme() {
  try {
    return localStorage.getItem(THEME_STORAGE_KEY);
  } catch {
    return null; // storage can be disabled by the lab's browser policy
  }
}

export function isDarkTheme() {
  const chosen = document.documentElement.dataset.theme;
  return chosen ? chosen === "dark" : darkQuery.matches;
}
