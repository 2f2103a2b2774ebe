// Tether dashboard: renders the host's server-sent snapshots; timers here only redraw countdowns, never ask the host.
"use strict";

const COLOURS = {
  running: "--green", auth_retrying: "--amber", unauthenticated: "--red", error: "--red",
  starting: "--blue", authenticating: "--blue", stopping: "--grey", stopped: "--grey", removing: "--grey",
};
const DAY = 24 * 3600 * 1000;
const cards = new Map();
let latest = [];

const $ = (root, selector) => root.querySelector(selector);

function pad(n) { return String(n).padStart(2, "0"); }

function left(ms) {
  if (ms <= 0) return "now";
  const s = Math.ceil(ms / 1000), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

function when(iso) {
  const d = new Date(iso), now = new Date();
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return d.toDateString() === now.toDateString() ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

function setText(el, text) { if (el.textContent !== text) el.textContent = text; }

function show(el, visible) { el.hidden = !visible; }

// "refresh refused (…): sign in again before HH:MM …" is the engine's wording for a token that still works for a while.
function signInBefore(w) {
  const m = /sign in again before (\d{1,2}:\d{2}(?::\d{2})?)/i.exec(w.status_reason || "");
  return m ? m[1] : null;
}

function newCard(name) {
  const card = document.getElementById("card").content.firstElementChild.cloneNode(true);
  card.dataset.workload = name;
  $(card, ".reauth-form").action = `/dashboard/workloads/${encodeURIComponent(name)}/reauth`;
  $(card, ".stop").addEventListener("click", () => act(name, "stop"));
  $(card, ".start").addEventListener("click", () => act(name, "start"));
  $(card, ".copy").addEventListener("click", (e) => copy(e.currentTarget, $(card, ".url").textContent));
  return card;
}

function render(card, item) {
  const w = item.workload;
  card.dataset.status = w.status;
  setText($(card, ".name"), w.name);
  setText($(card, ".status"), w.status);
  setText($(card, ".health"), `health: ${w.health}`);
  setText($(card, ".reason"), w.status_reason || "");
  setText($(card, ".url"), w.url || "");
  setText($(card, ".remote"), `${w.remote_url} (${w.transport})`);
  setText($(card, ".auth"), w.auth === "oauth" ? `OAuth${w.issuer ? " · " + w.issuer : ""}${w.client_id ? " · client " + w.client_id : ""}` : w.auth);
  const usable = (w.status === "running" || w.status === "auth_retrying") && w.token_expires_at && Date.parse(w.token_expires_at) > Date.now();
  setText($(card, ".token"), usable ? `access token valid until ${when(w.token_expires_at)}` : w.auth === "oauth" ? "no usable access token" : "—");

  const before = signInBefore(w);
  const deadline = $(card, ".deadline");
  show(deadline, !!before);
  if (before) setText(deadline, `Sign in again before ${before} — the current token keeps working until then.`);

  const retrying = w.status === "auth_retrying" && !!w.next_attempt_at;
  show($(card, ".countdown"), retrying);
  $(card, ".countdown-left").dataset.until = retrying ? Date.parse(w.next_attempt_at) : "";

  const waiting = w.status === "authenticating" && !!w.sign_in_url;
  show($(card, ".signin"), waiting);
  if (waiting) {
    $(card, ".signin-link").href = w.sign_in_url;
    $(card, ".signin-left").dataset.until = w.sign_in_deadline ? Date.parse(w.sign_in_deadline) : "";
  }

  const idle = ["stopped", "stopping", "removing"].includes(w.status);
  const reauth = $(card, ".reauth");
  reauth.hidden = !(w.auth === "oauth" || w.auth === "unknown");
  reauth.disabled = w.status === "removing";
  reauth.classList.toggle("primary", w.status === "unauthenticated" || !!before);
  $(card, ".stop").disabled = idle;
  $(card, ".start").disabled = !["stopped", "error", "unauthenticated"].includes(w.status);
  $(card, ".start").classList.toggle("primary", w.status === "stopped");

  const key = item.history.length + "|" + (item.history.length ? item.history[item.history.length - 1].at : "");
  if (card.dataset.history !== key) {
    card.dataset.history = key;
    renderHistory(card, item.history);
  }
  renderTimeline(card, item);
}

function renderHistory(card, history) {
  setText($(card, ".transitions summary"), `Transitions (${history.length})`);
  const list = $(card, ".history");
  list.replaceChildren(...history.slice().reverse().map((t) => {
    const li = document.createElement("li");
    const time = document.createElement("time");
    time.dateTime = t.at;
    time.textContent = when(t.at);
    const move = document.createElement("span");
    move.className = "move";
    const from = document.createElement("b"), to = document.createElement("b");
    from.dataset.status = t.from; from.textContent = t.from;
    to.dataset.status = t.to; to.textContent = t.to;
    move.append(from, " → ", to);
    const reason = document.createElement("span");
    reason.textContent = t.reason;
    li.append(time, move, reason);
    return li;
  }));
}

// The last 24 h as coloured spans: the status at the window's start, then each transition inside it.
function renderTimeline(card, item) {
  const now = Date.now(), history = item.history;
  // Nothing is drawn before the workload existed.
  const start = Math.max(now - DAY, Date.parse(item.workload.created_at) || 0), from0 = now - DAY;
  let status = item.workload.status;
  const inside = history.filter((t) => Date.parse(t.at) > start);
  const earlier = history.filter((t) => Date.parse(t.at) <= start);
  if (earlier.length) status = earlier[earlier.length - 1].to;
  else if (inside.length) status = inside[0].from;
  const spans = [];
  let from = start;
  for (const t of inside) {
    spans.push([from, Date.parse(t.at), status]);
    from = Date.parse(t.at);
    status = t.to;
  }
  spans.push([from, now, status]);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 1000 34");
  svg.setAttribute("preserveAspectRatio", "none");
  const track = document.createElementNS(ns, "rect");
  track.setAttribute("x", "0");
  track.setAttribute("y", "2");
  track.setAttribute("width", "1000");
  track.setAttribute("height", "14");
  track.setAttribute("class", "track");
  svg.append(track);
  const styles = getComputedStyle(document.documentElement);
  for (const [a, b, s] of spans) {
    const x = ((a - from0) / DAY) * 1000, width = Math.max(((b - a) / DAY) * 1000, 3);
    const rect = document.createElementNS(ns, "rect");
    rect.setAttribute("x", x.toFixed(2));
    rect.setAttribute("y", "2");
    rect.setAttribute("width", width.toFixed(2));
    rect.setAttribute("height", "14");
    rect.setAttribute("fill", styles.getPropertyValue(COLOURS[s] || "--grey").trim());
    const title = document.createElementNS(ns, "title");
    title.textContent = `${s}: ${when(new Date(a).toISOString())} – ${when(new Date(b).toISOString())}`;
    rect.append(title);
    svg.append(rect);
  }
  for (const [x, label, anchor] of [[0, "24 h ago", "start"], [500, "12 h ago", "middle"], [1000, "now", "end"]]) {
    const text = document.createElementNS(ns, "text");
    text.setAttribute("x", x);
    text.setAttribute("y", "30");
    text.setAttribute("text-anchor", anchor);
    text.setAttribute("class", "axis");
    text.textContent = label;
    svg.append(text);
  }
  $(card, ".timeline").replaceChildren(svg);
}

function renderAll(snapshot) {
  latest = snapshot.workloads;
  setText(document.getElementById("version"), `Tether ${snapshot.version}`);
  const list = document.getElementById("workloads");
  const names = new Set(latest.map((i) => i.workload.name));
  for (const [name, card] of cards) {
    if (!names.has(name)) { card.remove(); cards.delete(name); }
  }
  for (const item of latest) {
    let card = cards.get(item.workload.name);
    if (!card) { card = newCard(item.workload.name); cards.set(item.workload.name, card); }
    render(card, item);
    list.append(card); // keeps the host's order (by name)
  }
  show(document.getElementById("empty"), latest.length === 0);
  const count = (pred) => latest.filter((i) => pred(i.workload)).length;
  const needs = count((w) => w.status === "unauthenticated" || w.status === "error" || signInBefore(w));
  const summary = document.getElementById("summary");
  summary.replaceChildren();
  const parts = [[latest.length, latest.length === 1 ? "workload" : "workloads"], [count((w) => w.health === "healthy"), "healthy"],
    [count((w) => w.status === "auth_retrying"), "riding out an outage"], [needs, needs === 1 ? "needs you" : "need you"]];
  parts.forEach(([n, label], i) => {
    if (i > 0) summary.append(" · ");
    const b = document.createElement("b");
    b.textContent = n;
    summary.append(b, ` ${label}`);
  });
  tick();
}

function tick() {
  for (const el of document.querySelectorAll("[data-until]")) {
    if (el.dataset.until) setText(el, left(Number(el.dataset.until) - Date.now()));
  }
}

function fail(message) {
  const box = document.getElementById("error");
  box.textContent = message;
  box.hidden = !message;
}

async function act(name, action) {
  fail("");
  try {
    const response = await fetch(`/dashboard/workloads/${encodeURIComponent(name)}/${action}`, { method: "POST" });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      fail(`${action} ${name}: ${body.message || response.statusText}`);
    }
  } catch (e) {
    fail(`${action} ${name}: the host did not answer (${e.message})`);
  }
}

async function copy(button, text) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    button.textContent = "Select and copy";
  }
  setTimeout(() => { button.textContent = "Copy"; }, 1500);
}

function connect() {
  const link = document.getElementById("link"), text = document.getElementById("link-text");
  const events = new EventSource("/dashboard/events");
  events.addEventListener("snapshot", (e) => {
    link.dataset.state = "live";
    setText(text, "Live");
    renderAll(JSON.parse(e.data));
  });
  events.onerror = () => {
    if (events.readyState === EventSource.CLOSED) {
      link.dataset.state = "ended";
      setText(text, "Disconnected");
      fail("The host refused this page (the host restarted or the session ended). Run 'tether dashboard' to open it again.");
    } else {
      link.dataset.state = "lost";
      setText(text, "Reconnecting…");
    }
  };
}

setInterval(tick, 1000);
setInterval(() => { for (const item of latest) { const card = cards.get(item.workload.name); if (card) renderTimeline(card, item); } }, 60000);
connect();
