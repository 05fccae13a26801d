// Progressive enhancement for instructors' tables: every <table data-table> gets sortable
// column headers and, with data-table="filter", a text filter above it. The server renders the
// full table; without JavaScript it is simply unsorted and unfiltered.
// A cell may carry data-sort="..." when its text is not what it should sort by (dates, marks);
// a header with data-no-sort stays a plain header (checkbox or button columns).
import { matchesQuery, sortKey, sortedByKey } from "./table-order.js";

function bodyRows(table) {
  const body = table.tBodies[0];
  // A lone "No rows yet" row spanning the table is a message, not data.
  return body ? [...body.rows].filter((row) => !row.querySelector("td[colspan]")) : [];
}

const CONTROLS = "select, input, textarea, button";

// What a cell shows: the value of the form field in it (the AI policy's choices), else its text;
// never the labels of buttons or the options a select did not pick.
function cellText(cell) {
  if (!cell) return "";
  const field = cell.querySelector("select, input:not([type=hidden]), textarea");
  if (field) return field.tagName === "SELECT" ? (field.selectedOptions[0]?.text ?? "") : field.value;
  const parts = [];
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    if (!walker.currentNode.parentElement.closest(CONTROLS)) parts.push(walker.currentNode.data);
  }
  return parts.join(" ");
}

function cellKey(row, column) {
  const cell = row.cells[column];
  return sortKey(cell?.dataset.sort ?? cellText(cell));
}

function rowText(row) {
  return [...row.cells].map(cellText).join(" ");
}

function makeSortable(table) {
  const headerRow = table.tHead?.rows[table.tHead.rows.length - 1];
  if (!headerRow) return;
  [...headerRow.cells].forEach((header, column) => {
    if ("noSort" in header.dataset || !header.textContent.trim()) return;
    const button = document.createElement("button");
    button.type = "button";
    button.title = "Sort by this column";
    if (header.querySelector("a")) {
      // A link stays a link (the gradebook's exercise names): the button goes beside it.
      button.className = "table-sort-beside";
      button.textContent = "⇅";
      button.setAttribute("aria-label", `Sort by ${header.textContent.trim()}`);
    } else {
      button.className = "table-sort";
      button.append(...header.childNodes);
    }
    header.append(button);
    button.addEventListener("click", () => {
      const ascending = header.getAttribute("aria-sort") !== "ascending";
      for (const other of headerRow.cells) other.removeAttribute("aria-sort");
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const rows = sortedByKey(bodyRows(table), (row) => cellKey(row, column), ascending);
      table.tBodies[0].append(...rows);
    });
  });
}

function addFilter(table, index) {
  const id = `table-filter-${index}`;
  const wrapper = document.createElement("p");
  wrapper.className = "table-filter";
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = "Filter rows ";
  const input = document.createElement("input");
  input.type = "search";
  input.id = id;
  input.placeholder = "any text in a row";
  const count = document.createElement("span");
  count.className = "muted small-text";
  count.setAttribute("role", "status");
  wrapper.append(label, input, " ", count);
  const anchor = table.closest(".table-scroll") ?? table;
  anchor.before(wrapper);
  input.addEventListener("input", () => {
    const rows = bodyRows(table);
    let shown = 0;
    for (const row of rows) {
      row.hidden = !matchesQuery(rowText(row), input.value);
      if (!row.hidden) shown += 1;
    }
    count.textContent = input.value.trim() ? `${shown} of ${rows.length} rows` : "";
  });
}

// A header checkbox data-select-all="NAME" ticks or clears the rows' NAME boxes still shown.
function wireSelectAll(table) {
  for (const box of table.querySelectorAll("thead input[data-select-all]")) {
    box.hidden = false;
    box.addEventListener("change", () => {
      for (const row of bodyRows(table)) {
        const target = row.querySelector(`input[type=checkbox][name="${box.dataset.selectAll}"]`);
        if (target && !row.hidden) target.checked = box.checked;
      }
    });
  }
}

document.querySelectorAll("table[data-table]").forEach((table, index) => {
  makeSortable(table);
  wireSelectAll(table);
  if (table.dataset.table === "filter") addFilter(table, index);
});
