// The instructor's live class view: rows over /ws/courses/<slug>/live/, sorted and filtered here.
// Server data only ever goes into textContent, never innerHTML.

const table = document.getElementById("live-table");
const body = document.getElementById("live-rows");
const statusLabel = document.getElementById("live-status");
const filterBox = document.getElementById("live-filter");
const stuckOnly = document.getElementById("live-stuck-only");

const rows = new Map(); // student id -> row
let sortKey = "name";
let sortAscending = true;
let stuckMinutes = Number(table.dataset.stuckMinutes || 0);
let socket = null;
let retryDelay = 1000;
const MAX_RETRY_DELAY = 30000;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function minutesOn(row) {
  if (row.online && row.started_at) {
    return Math.max(0, Math.floor((Date.now() - Date.parse(row.started_at)) / 60000));
  }
  return row.minutes_on_exercise;
}

function reasonsOf(row) {
  const reasons = [...(row.stuck_reasons || [])];
  // The time rule keeps ticking while the page is open, between updates from the server.
  const minutes = minutesOn(row);
  const timeReason = reasons.some((reason) => reason.includes("without a passing run"));
  if (stuckMinutes > 0 && !timeReason && row.online && !row.has_passed &&
      minutes !== null && minutes >= stuckMinutes) {
    reasons.push(`${minutes} min without a passing run`);
  }
  return reasons;
}

function timeOf(iso) {
  return iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
}

function runCell(run) {
  const cell = el("td");
  if (!run) {
    cell.append(el("span", "—", "muted"));
    return cell;
  }
  if (run.error) {
    const label = el("span", "error", "error");
    if (run.error_message) label.title = run.error_message;
    cell.append(label);
  } else {
    cell.append(el("span", `passed ${run.tests_passed}/${run.tests_total}`, run.passed ? "ok" : "error"));
  }
  cell.append(" ", el("span", timeOf(run.at), "muted small-text"));
  return cell;
}

function renderRow(row) {
  const tr = el("tr");
  tr.dataset.studentId = String(row.student_id);
  const reasons = reasonsOf(row);
  if (reasons.length) tr.classList.add("live-stuck");

  const who = el("td");
  who.append(el("code", row.username));
  if (row.name) who.append(" ", el("span", row.name, "muted"));
  tr.append(who);

  const online = el("td");
  online.append(el("span", row.online ? "online" : "offline", row.online ? "live-dot online" : "live-dot"));
  tr.append(online);

  const exercise = el("td");
  if (row.exercise) exercise.textContent = row.exercise.title;
  else exercise.append(el("span", "—", "muted"));
  tr.append(exercise);

  tr.append(runCell(row.last_run));

  const minutes = minutesOn(row);
  const time = el("td");
  if (minutes === null || minutes === undefined) time.append(el("span", "—", "muted"));
  else time.textContent = `${minutes} min`;
  tr.append(time);

  tr.append(el("td", row.hints));

  const stuck = el("td");
  if (reasons.length) {
    stuck.append(el("strong", "stuck", "error"), `: ${reasons.join("; ")}`);
  } else {
    stuck.append(el("span", "no", "muted"));
  }
  tr.append(stuck);
  return tr;
}

const SORTERS = {
  name: (row) => (row.name || row.username).toLowerCase(),
  online: (row) => (row.online ? 0 : 1),
  exercise: (row) => (row.exercise ? row.exercise.title.toLowerCase() : "\uffff"),
  run: (row) => (row.last_run ? row.last_run.at : ""),
  minutes: (row) => minutesOn(row) ?? -1,
  hints: (row) => row.hints,
  stuck: (row) => (reasonsOf(row).length ? 0 : 1),
};

function compare(a, b) {
  const key = SORTERS[sortKey] || SORTERS.name;
  const left = key(a);
  const right = key(b);
  let order = left < right ? -1 : left > right ? 1 : 0;
  if (order === 0) order = a.username < b.username ? -1 : a.username > b.username ? 1 : 0;
  return sortAscending ? order : -order;
}

function visible(row) {
  const needle = filterBox.value.trim().toLowerCase();
  if (needle && !`${row.username} ${row.name}`.toLowerCase().includes(needle)) return false;
  if (stuckOnly.checked && !reasonsOf(row).length) return false;
  return true;
}

function render() {
  const shown = [...rows.values()].filter(visible).sort(compare);
  const fresh = shown.map(renderRow);
  if (!fresh.length) {
    const empty = el("tr", null, "live-empty");
    const cell = el("td", rows.size ? "No student matches the filter." : "No students yet.");
    cell.colSpan = 7;
    empty.append(cell);
    fresh.push(empty);
  }
  body.replaceChildren(...fresh);
  for (const button of table.querySelectorAll(".live-sort")) {
    const th = button.closest("th");
    if (button.dataset.sort === sortKey) th.setAttribute("aria-sort", sortAscending ? "ascending" : "descending");
    else th.removeAttribute("aria-sort");
  }
}

function setStatus(text, online) {
  statusLabel.textContent = text;
  statusLabel.classList.toggle("online", online);
}

function connect() {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(`${scheme}//${window.location.host}${table.dataset.socketPath}`);
  socket.addEventListener("open", () => {
    retryDelay = 1000;
    setStatus("live", true);
  });
  socket.addEventListener("message", (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message.type === "table") {
      if (message.rule) stuckMinutes = Number(message.rule.minutes || 0);
      rows.clear();
      for (const row of message.rows) rows.set(row.student_id, row);
      render();
    } else if (message.type === "row") {
      rows.set(message.row.student_id, message.row);
      render();
    }
  });
  socket.addEventListener("close", (event) => {
    socket = null;
    if (event.code === 4403) {
      setStatus("offline: not allowed (sign in as this course's instructor)", false);
      return;
    }
    setStatus(`offline: reconnecting in ${Math.round(retryDelay / 1000)} s`, false);
    window.setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY);
  });
}

for (const button of table.querySelectorAll(".live-sort")) {
  button.addEventListener("click", () => {
    if (sortKey === button.dataset.sort) sortAscending = !sortAscending;
    else {
      sortKey = button.dataset.sort;
      sortAscending = true;
    }
    render();
  });
}
filterBox.addEventListener("input", render);
stuckOnly.addEventListener("change", render);
// Time on an exercise keeps counting between updates.
window.setInterval(() => { if (rows.size) render(); }, 30000);

setStatus("offline: connecting…", false);
connect();
