// The analyst page: a flow graph of a trace (layered by hop, zoom and pan, click a wallet for its lot
// provenance and registry state, double-click to trace from it) over the goods-ledger HTTP API.
const DECIMALS = 6n;
const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const PALETTE = ["#0b6bcb", "#2e7d32", "#b26a00", "#8e24aa", "#00838f", "#c62828", "#5d4037", "#546e7a"];
let token = sessionStorage.getItem("goods-ledger-token");
let last = null; // { kind, params, result }
let selected = null;

/** Base units → "1,234.5" (trailing zeros trimmed). */
function tokens(units) {
  const v = BigInt(units);
  const whole = (v / 10n ** DECIMALS).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const frac = (v % 10n ** DECIMALS).toString().padStart(Number(DECIMALS), "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : whole;
}

/** "12.5" tokens → base units string; throws on bad input. */
function units(text) {
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not an amount (up to 6 decimals)`);
  return (BigInt(m[1]) * 10n ** DECIMALS + BigInt((m[2] ?? "").padEnd(6, "0") || "0")).toString();
}

const short = (a) => `${a.slice(0, 6)}…${a.slice(-4)}`;

async function api(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${token}` } });
  if (res.status === 401) {
    sessionStorage.removeItem("goods-ledger-token");
    showLogin("That token was not accepted.");
    throw new Error("unauthorized");
  }
  if (!res.ok) {
    const body = await res.json().catch(() => ({ error: { message: res.statusText } }));
    throw new Error(body.error?.message ?? res.statusText);
  }
  return res;
}

function showLogin(message) {
  $("app").hidden = true;
  $("login").hidden = false;
  $("status").textContent = message ?? "not signed in";
}

async function signIn() {
  const status = await (await api("/api/status")).json();
  $("login").hidden = true;
  $("app").hidden = false;
  $("status").textContent = `${status.name} (${status.role}) · index at block ${status.position?.block ?? "–"} · ${status.counts.transfers} transfers · ${status.store}`;
}

function queryParams() {
  const p = new URLSearchParams();
  const start = $("start").value.trim();
  const target = $("target").value.trim();
  p.set("hops", $("hops").value || "3");
  if ($("min-amount").value.trim()) p.set("minAmount", units($("min-amount").value));
  if (target) {
    p.set("from", start);
    p.set("to", target);
    return { kind: "path", params: p };
  }
  // As the CLI: hex is a wallet (a transaction hash needs :logIndex), anything else a transfer id.
  p.set(/^0x[0-9a-fA-F]*$/.test(start) && start.length !== 66 ? "wallet" : "transfer", start);
  return { kind: $("direction").value, params: p };
}

async function runTrace() {
  $("error").textContent = "";
  try {
    const { kind, params } = queryParams();
    const { result } = await (await api(`/api/${kind}?${params}`)).json();
    last = { kind, params, result };
    draw(result);
    const edges = result.edges.length;
    $("summary").textContent = `${kind}: ${edges} transfer(s), ${result.wallets.length} wallet(s), block ${result.atBlock}${result.truncated ? " — truncated" : ""}${kind === "path" ? `, shortest ${result.shortest ?? "none"}` : ""}`;
  } catch (e) {
    if (e.message !== "unauthorized") $("error").textContent = e.message;
  }
}

/** Draws the trace: wallets in columns by hop, one curve per (from, to) pair carrying its transfers. */
function draw(result) {
  const nodes = $("nodes");
  const edgesG = $("edges");
  nodes.replaceChildren();
  edgesG.replaceChildren();
  const columns = new Map();
  for (const w of result.wallets) {
    if (!columns.has(w.hop)) columns.set(w.hop, []);
    columns.get(w.hop).push(w);
  }
  const pos = new Map();
  const colWidth = 190;
  const rowHeight = 46;
  for (const [hop, list] of columns) list.forEach((w, i) => pos.set(w.address, { x: 80 + hop * colWidth, y: 50 + i * rowHeight }));
  // The zero address is never a wallet (docs/TRACE.md W1): mints and burns get an endpoint marker of their own
  // (not a wallet node), placed beside the transfer's other party.
  const ZERO = /^0x0{40}$/;
  const endpoints = [];
  for (const e of result.edges) {
    for (const [end, other, dx] of [[e.from, e.to, -colWidth / 2], [e.to, e.from, colWidth / 2]]) {
      if (!ZERO.test(end) || !pos.has(other) || pos.has(`${end}|${other}`)) continue;
      const p = { x: pos.get(other).x + dx, y: pos.get(other).y + rowHeight / 2 };
      pos.set(`${end}|${other}`, p);
      endpoints.push({ p, label: end === e.from ? "mint" : "burn" });
    }
  }
  const bad = new Set();
  for (const e of result.edges) {
    if (e.toState.status === "frozen" || e.toState.denylisted) bad.add(e.to);
    if (e.fromState.status === "frozen" || e.fromState.denylisted) bad.add(e.from);
  }
  const pairs = new Map();
  for (const e of result.edges) {
    const key = `${e.from}>${e.to}`;
    if (!pairs.has(key)) pairs.set(key, []);
    pairs.get(key).push(e);
  }
  const maxAmount = Math.max(1, ...[...pairs.values()].map((l) => Number(l.reduce((s, e) => s + BigInt(e.amount), 0n))));
  for (const [key, list] of pairs) {
    const [from, to] = key.split(">");
    const a = pos.get(from) ?? pos.get(`${from}|${to}`);
    const b = pos.get(to) ?? pos.get(`${to}|${from}`);
    if (!a || !b) continue;
    const total = list.reduce((s, e) => s + BigInt(e.amount), 0n);
    const path = document.createElementNS(SVG, "path");
    const bend = from === to ? `M${a.x},${a.y} C${a.x + 60},${a.y - 60} ${a.x + 60},${a.y + 60} ${b.x},${b.y}` : `M${a.x},${a.y} C${(a.x + b.x) / 2},${a.y} ${(a.x + b.x) / 2},${b.y} ${b.x},${b.y}`;
    path.setAttribute("d", bend);
    path.setAttribute("class", `edge ${list.some((e) => e.kind === "seizure") ? "seizure" : list.some((e) => e.kind === "issue") ? "issue" : ""}`);
    path.setAttribute("stroke-width", String(1 + 6 * Math.sqrt(Number(total) / maxAmount)));
    path.dataset.ids = list.map((e) => e.id).join(",");
    path.dataset.from = from;
    path.dataset.to = to;
    const title = document.createElementNS(SVG, "title");
    title.textContent = `${short(from)} → ${short(to)}: ${tokens(total)} in ${list.length} transfer(s)\n` + list.map((e) => `hop ${e.hop} · block ${e.block} · ${e.kind} · ${tokens(e.amount)}${e.toState.status !== "active" ? ` · recipient ${e.toState.status}` : ""}`).join("\n");
    path.append(title);
    edgesG.append(path);
  }
  const starts = new Set(result.wallets.filter((w) => w.hop === 0).map((w) => w.address));
  for (const w of result.wallets) {
    const p = pos.get(w.address);
    const g = document.createElementNS(SVG, "g");
    g.setAttribute("class", `node${starts.has(w.address) ? " start" : ""}${w.hub ? " hub" : ""}${bad.has(w.address) ? " bad" : ""}`);
    g.setAttribute("transform", `translate(${p.x},${p.y})`);
    g.dataset.address = w.address;
    const hit = document.createElementNS(SVG, "rect"); // the click target: circle and label
    hit.setAttribute("class", "hit");
    hit.setAttribute("x", "-12");
    hit.setAttribute("y", "-12");
    hit.setAttribute("width", "110");
    hit.setAttribute("height", "24");
    const c = document.createElementNS(SVG, "circle");
    c.setAttribute("r", "9");
    const t = document.createElementNS(SVG, "text");
    t.setAttribute("x", "13");
    t.setAttribute("y", "4");
    t.textContent = /^0x0{40}$/.test(w.address) ? "mint / burn (0x0)" : short(w.address);
    const title = document.createElementNS(SVG, "title");
    title.textContent = `${w.address}\nhop ${w.hop} · ${w.degree} transfers${w.hub ? " · hub (not followed)" : ""}${bad.has(w.address) ? " · frozen or denylisted" : ""}`;
    g.append(hit, c, t, title);
    g.addEventListener("click", () => select(w.address));
    g.addEventListener("dblclick", () => {
      $("start").value = w.address;
      $("target").value = "";
      runTrace();
    });
    nodes.append(g);
  }
  for (const { p, label } of endpoints) {
    const g = document.createElementNS(SVG, "g");
    g.setAttribute("class", "endpoint");
    g.setAttribute("transform", `translate(${p.x},${p.y})`);
    const t = document.createElementNS(SVG, "text");
    t.textContent = label;
    g.append(t);
    nodes.append(g);
  }
  resetView([...pos.values()]);
}

// Zoom (wheel) and pan (drag) through the viewBox.
let view = { x: 0, y: 0, w: 1000, h: 600 };
function applyView() {
  $("graph").setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
}
function resetView(points) {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const w = Math.max(400, Math.max(...xs, 0) + 220);
  const h = Math.max(300, Math.max(...ys, 0) + 60);
  view = { x: 0, y: 0, w, h };
  applyView();
}
$("graph").addEventListener("wheel", (ev) => {
  ev.preventDefault();
  const k = ev.deltaY > 0 ? 1.15 : 1 / 1.15;
  view = { x: view.x + (view.w * (1 - k)) / 2, y: view.y + (view.h * (1 - k)) / 2, w: view.w * k, h: view.h * k };
  applyView();
}, { passive: false });
let drag = null;
$("graph").addEventListener("mousedown", (ev) => (drag = { x: ev.clientX, y: ev.clientY, view: { ...view } }));
window.addEventListener("mouseup", () => (drag = null));
window.addEventListener("mousemove", (ev) => {
  if (!drag) return;
  const r = $("graph").getBoundingClientRect();
  view = { ...drag.view, x: drag.view.x - ((ev.clientX - drag.x) * view.w) / r.width, y: drag.view.y - ((ev.clientY - drag.y) * view.h) / r.height };
  applyView();
});

/** Shows a wallet's registry state and lot provenance in the side panel. */
async function select(address) {
  selected = address;
  for (const g of document.querySelectorAll(".node")) g.classList.toggle("selected", g.dataset.address === address);
  $("wallet-panel").hidden = false;
  $("wallet-address").textContent = address;
  try {
    const [{ result: asof }, { result: prov }] = await Promise.all([
      api(`/api/asof?wallet=${address}`).then((r) => r.json()),
      api(`/api/provenance?wallet=${address}&policy=${$("policy").value}`).then((r) => r.json()),
    ]);
    const s = asof.wallet.state;
    $("wallet-state").innerHTML = "";
    for (const [text, badTag] of [[s.status, s.status !== "active"], [s.role, false], [`tier ${s.tier}`, false], ...(s.denylisted ? [["denylisted", true]] : [])]) {
      const tag = document.createElement("span");
      tag.className = `tag${badTag ? " bad" : ""}`;
      tag.textContent = text;
      $("wallet-state").append(tag, " ");
    }
    drawProvenance(prov);
  } catch (e) {
    if (e.message !== "unauthorized") $("error").textContent = e.message;
  }
}

function drawProvenance(prov) {
  const bar = $("lot-bar");
  const rows = $("lot-rows");
  bar.replaceChildren();
  rows.replaceChildren();
  prov.lots.forEach((l, i) => {
    const seg = document.createElement("div");
    seg.className = "seg";
    seg.style.width = `${(l.share * 100).toFixed(3)}%`;
    seg.style.background = PALETTE[i % PALETTE.length];
    seg.dataset.lot = l.lot ?? "none";
    seg.title = `${l.lot ?? "no issue event"}: ${(l.share * 100).toFixed(2)}%`;
    bar.append(seg);
    const tr = document.createElement("tr");
    tr.dataset.lot = l.lot ?? "none";
    for (const text of [l.lot ? short(l.lot) : "(none)", tokens(l.amount), `${(l.share * 100).toFixed(2)}%`, `${l.status ?? ""}${l.expired ? ", expired" : ""}`]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    rows.append(tr);
  });
  const f = prov.flows;
  $("flows").textContent = `balance ${tokens(prov.balance)} (${prov.policy}) · issued ${tokens(f.issued)} · received ${tokens(f.received)} · sent ${tokens(f.sent)} · redeemed ${tokens(f.redeemed)} · seized ${tokens(f.seizedOut)}`;
}

$("policy").addEventListener("change", () => selected && select(selected));
$("query").addEventListener("submit", (ev) => {
  ev.preventDefault();
  runTrace();
});
for (const b of document.querySelectorAll("[data-export]")) {
  b.addEventListener("click", async () => {
    if (!last) return;
    const params = new URLSearchParams(last.params);
    params.set("format", b.dataset.export);
    const blob = await (await api(`/api/${last.kind}?${params}`)).blob();
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `trace-${last.kind}.${b.dataset.export}`;
    a.click();
  });
}
$("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  token = $("token").value.trim();
  sessionStorage.setItem("goods-ledger-token", token);
  await signIn().catch(() => undefined);
});
if (token) signIn().catch(() => undefined);
else showLogin();
