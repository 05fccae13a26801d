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
  } else if (run.compile_error) {
    // No test ran: "passed 0/2" would read as failing tests.
    cell.append(el("span", "does not compile", "error"));
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
    } else if (message.type === "groups") {
      renderGroups(message.groups);
    } else if (message.type === "group_hint_sent") {
      groupHintSent(message);
    } else if (message.type === "error") {
      groupHintError(message);
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

// The class's mistakes: groups of stuck students with the same failure, each with a hint box.
// A group's box keeps what the instructor is typing while the groups refresh around it.
const groupList = document.getElementById("live-group-list");
const groupElements = new Map(); // signature -> element
const SOURCES = {
  ahead: "written ahead by the model",
  model: "written by the model for a classmate",
  teacher: "yours, sent",
};

function groupHeading(group) {
  const count = group.students.length;
  return `${count} student${count === 1 ? "" : "s"}: ${group.label}`;
}

function exampleText(example) {
  return example.code
    .split("\n")
    .map((line, index) => {
      const number = example.first_line + index;
      return `${number === example.line ? ">" : " "}${String(number).padStart(3)}  ${line}`;
    })
    .join("\n");
}

function sendGroupHint(group, element) {
  const status = element.querySelector(".live-group-status");
  const text = element.querySelector("textarea").value.trim();
  if (!text) {
    status.textContent = "Write the hint first.";
    return;
  }
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    status.textContent = "Not connected: try again in a moment.";
    return;
  }
  status.textContent = "Sending…";
  socket.send(JSON.stringify({ type: "group_hint", signature: group.signature, text }));
}

function newGroupElement(group) {
  const element = el("article", null, "live-group");
  element.dataset.signature = group.signature;
  const id = `group-hint-${group.signature.slice(0, 12)}`;
  const label = el("label", "Hint for this group");
  label.htmlFor = id;
  const box = el("textarea");
  box.id = id;
  box.addEventListener("input", () => {
    box.dataset.edited = "1";
  });
  const send = el("button", "Send to the group");
  send.type = "button";
  send.className = "live-group-send";
  const status = el("span", "", "live-group-status muted small-text");
  status.setAttribute("role", "status");
  const actions = el("div", null, "live-group-actions");
  actions.append(send, status);
  element.append(el("h3"), el("p", null, "live-group-who small-text"), el("pre"), label, box,
    el("p", null, "live-group-source muted small-text"), actions);
  send.addEventListener("click", () => sendGroupHint(element.group, element));
  return element;
}

function updateGroupElement(element, group) {
  element.group = group;
  element.querySelector("h3").textContent = groupHeading(group);
  element.querySelector(".live-group-who").textContent =
    `${group.exercise.title}; failing: ${group.failing_tests.join(", ")}; ` +
    `who: ${group.students.map((student) => student.username).join(", ")}`;
  const pre = element.querySelector("pre");
  pre.textContent = exampleText(group.example);
  pre.title = `${group.example.username}'s code`;
  const box = element.querySelector("textarea");
  if (!box.dataset.edited && group.answer) box.value = group.answer.text;
  element.querySelector(".live-group-source").textContent = group.answer
    ? `The hint above was ${SOURCES[group.answer.source] || group.answer.source}; edit it or send it as it is.`
    : "No answer yet for this mistake: write one.";
  element.querySelector(".live-group-send").textContent =
    `Send to ${group.students.length === 1 ? "this student" : `these ${group.students.length} students`}`;
}

function renderGroups(groups) {
  const seen = new Set();
  const ordered = [];
  for (const group of groups) {
    seen.add(group.signature);
    let element = groupElements.get(group.signature);
    if (!element) {
      element = newGroupElement(group);
      groupElements.set(group.signature, element);
    }
    updateGroupElement(element, group);
    ordered.push(element);
  }
  for (const signature of [...groupElements.keys()]) {
    if (!seen.has(signature)) groupElements.delete(signature);
  }
  if (!ordered.length) ordered.push(el("p", "No group yet.", "muted live-groups-empty"));
  // Moving an element would take the focus from a box being typed in: only when order changed.
  const current = [...groupList.children];
  if (current.length !== ordered.length || current.some((node, index) => node !== ordered[index])) {
    groupList.replaceChildren(...ordered);
  }
}

function groupHintSent(message) {
  const element = groupElements.get(message.signature);
  if (!element) return;
  const box = element.querySelector("textarea");
  delete box.dataset.edited;
  element.querySelector(".live-group-status").textContent =
    `Sent to ${message.students} student${message.students === 1 ? "" : "s"}.`;
}

function groupHintError(message) {
  for (const element of groupElements.values()) {
    const status = element.querySelector(".live-group-status");
    if (status.textContent === "Sending…") status.textContent = message.message;
  }
}
