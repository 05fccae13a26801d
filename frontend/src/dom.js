// Building DOM nodes by hand keeps every piece of server or model text in textContent,
// never in innerHTML (only the sanitised Markdown renderer produces markup).

export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.flat().filter((child) => child !== null && child !== undefined));
  return node;
}

const SVG_NAMESPACE = "http://www.w3.org/2000/svg";

// Icons are inline SVG paths: no icon font or image to fetch, and they follow currentColor.
export function icon(pathData) {
  const svg = document.createElementNS(SVG_NAMESPACE, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "icon");
  const path = document.createElementNS(SVG_NAMESPACE, "path");
  path.setAttribute("d", pathData);
  svg.append(path);
  return svg;
}

export const ICONS = {
  thumbUp:
    "M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6C6.2 8 6 8.5 6 9v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z",
  thumbDown:
    "M22 3h-4v12h4V3zM2 14a2 2 0 0 0 2 2h6.3l-1 4.6v.3c0 .4.2.8.4 1.1l1.1 1 6.6-6.6c.4-.4.6-.9.6-1.4V5a2 2 0 0 0-2-2H7c-.8 0-1.5.5-1.8 1.2l-3 7.1c-.1.2-.2.5-.2.7v2z",
};

// The page names shortcuts Ctrl+… and Alt+…; on a Mac the same bindings are Cmd and Option.
const IS_MAC = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

export function shortcutText(text) {
  return IS_MAC ? text.replaceAll("Ctrl+", "⌘").replaceAll("Alt+", "⌥") : text;
}

export function readJson(id) {
  return JSON.parse(document.getElementById(id).textContent);
}
