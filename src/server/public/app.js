// The analyst page over the goods-ledger HTTP API: views for trace and path, wallet, exposure, alerts, and flags
// and cases. The view and its inputs live in the URL's hash, so a reload or a shared link shows the same thing.
import { EDGE_KINDS, FlowGraph, NODE_STATUSES, ZERO, edgeKind } from "./graph.js";

const $ = (id) => document.getElementById(id);
const PALETTE = ["#0b6bcb", "#2e7d32", "#b26a00", "#8e24aa", "#00838f", "#c62828", "#5d4037", "#546e7a", "#ad1457", "#33691e"];
const VIEWS = ["trace", "wallet", "exposure", "alerts", "cases"];
const ALERT_TYPES = ["structuring", "velocity", "fan-in", "round-trip", "pass-through", "reserve-shortfall"];
/** How many wallets of a graph get their registry record (role, institution, status now) fetched: one request's worth. */
const NODE_INFO_LIMIT = 1000;

let token = sessionStorage.getItem("goods-ledger-token");
/** Who is signed in, the token's symbol and decimals, lot labels, institution names, flags. */
const ctx = { role: null, name: null, tip: null, symbol: "GLT", decimals: 6, lots: {}, institutions: {}, flags: new Map() };
/** The query behind what is on screen (for exports and evidence packs), or null. */
let current = null;
let lastPack = null;
let alertsShown = [];
let renderSeq = 0;

// ── formatting ──────────────────────────────────────────────────────────────────────────────────────────

/** An amount from the API (base units as a number or an integer string, or a decimal string in tokens) → base units. */
function toUnits(v) {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return BigInt(Math.round(v));
  const s = String(v);
  if (s.includes(".")) return tokensToUnits(s);
  return BigInt(s);
}

/** Tokens as typed ("12.5") → base units; throws on bad input. */
function tokensToUnits(text) {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(String(text).trim().replace(/,/g, ""));
  if (!m || (m[2] ?? "").length > ctx.decimals) throw new Error(`"${text}" is not an amount in tokens (up to ${ctx.decimals} decimals)`);
  const scale = 10n ** BigInt(ctx.decimals);
  return BigInt(m[1]) * scale + BigInt((m[2] ?? "").padEnd(ctx.decimals, "0") || "0");
}

/** Base units → "1,234.50 GNGN" (two decimals at least, more when the amount has them). */
function money(v, symbol = true) {
  const u = toUnits(v);
  const neg = u < 0n;
  const a = neg ? -u : u;
  const scale = 10n ** BigInt(ctx.decimals);
  const whole = (a / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  let frac = (a % scale).toString().padStart(ctx.decimals, "0").replace(/0+$/, "");
  if (frac.length < 2) frac = frac.padEnd(2, "0");
  return `${neg ? "−" : ""}${whole}.${frac}${symbol ? ` ${ctx.symbol}` : ""}`;
}

const short = (a) => `${a.slice(0, 6)}…${a.slice(-4)}`;
const pct = (share) => `${(share * 100).toFixed(2)}%`;
/** Unix seconds → "2026-11-14 22:13 UTC" (or without the zone when `bare`). */
const when = (ts, bare = false) => (ts ? `${new Date(ts * 1000).toISOString().slice(0, 16).replace("T", " ")}${bare ? "" : " UTC"}` : "–");
const lotName = (id) => (id ? ctx.lots[id] ?? `lot ${id.slice(0, 8)}…${id.slice(-4)}` : "(no issue event)");
const institutionName = (id) => (id === 0 || id === "0" ? "no institution" : ctx.institutions[String(id)] ?? `institution #${id}`);
/** A bytes32 short code ("MAIZE" right-padded with zeros) → text; the hex when it is not printable. */
function codeText(hex) {
  if (!hex) return "–";
  const bytes = hex.slice(2).match(/../g).map((b) => Number.parseInt(b, 16));
  while (bytes.length && bytes.at(-1) === 0) bytes.pop();
  return bytes.length && bytes.every((b) => b >= 32 && b < 127) ? String.fromCharCode(...bytes) : hex;
}
const kindLabel = (kind) => EDGE_KINDS[kind]?.label ?? kind;

/** Builds an element: el("td", { class: "x" }, "text", child…). */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(e.dataset, v);
    else if (k === "style") e.style.cssText = v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  e.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return e;
}
const tag = (text, kind = "") => el("span", { class: `tag ${kind}` }, text);
/**
 * A link to a wallet's view; the zero address is no wallet (docs/TRACE.md W1): the other end of a mint or burn is
 * shown as the transfer's kind, e.g. "(issue (against a lot))", "(redemption)".
 */
const walletLink = (address, kind = null) => (address === ZERO
  ? el("span", { class: "muted" }, `(${kind ? kindLabel(kind) : "mint / burn"})`)
  : el("a", { href: link({ view: "wallet", wallet: address }), class: "mono", title: address }, short(address)));
function table(head, rows, attrs = {}) {
  return el("table", attrs, el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col" }, h)))), el("tbody", {}, rows));
}

// ── API ─────────────────────────────────────────────────────────────────────────────────────────────────

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** How often a request the server refused for the token's rate or concurrency limit (429) is tried again. */
const RETRIES_429 = 5;
/** At most this many lot records are asked for at once: under the server's per-token limit of queries in flight (4). */
const RECORDS_AT_ONCE = 3;
/** Wallet records asked for in one `POST /api/asof/wallets` (the server's cap). */
const RECORDS_PER_REQUEST = 1000;

async function api(path, init = {}) {
  let res;
  for (let attempt = 0; ; attempt++) {
    res = await fetch(path, { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${token}` } });
    if (res.status !== 429 || attempt === RETRIES_429) break;
    // Over the token's limits: wait as long as the server's Retry-After says, then ask again.
    await new Promise((resolve) => setTimeout(resolve, 1000 * Math.max(1, Number(res.headers.get("retry-after")) || 1)));
  }
  if (res.status === 401) {
    sessionStorage.removeItem("goods-ledger-token");
    showLogin("That token was not accepted.");
    throw new ApiError(401, "unauthorized", "unauthorized");
  }
  if (!res.ok) {
    const body = await res.json().catch(() => ({ error: { message: res.statusText } }));
    throw new ApiError(res.status, body.error?.code ?? "error", body.error?.message ?? res.statusText);
  }
  return res;
}
const getJson = async (path) => (await api(path)).json();
const send = async (method, path, body) => (await api(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json();
/** `GET /api/<kind>?…` → its result. */
const query = async (kind, params) => (await getJson(`/api/${kind}?${new URLSearchParams(params)}`)).result;

/** A wallet's registry record, as of a block (null: the tip), cached per block. */
const stateCache = new Map();
function walletState(address, block = null) {
  const key = `${address}@${block ?? ctx.tip}`;
  if (!stateCache.has(key)) {
    const params = { wallet: address };
    if (block !== null) params.block = block;
    stateCache.set(key, query("asof", params).then((r) => r.wallet).catch((e) => {
      stateCache.delete(key);
      throw e;
    }));
  }
  return stateCache.get(key);
}
/**
 * Many wallets' registry records as of a block (null: the tip), through the same cache: the missing ones in one
 * `POST /api/asof/wallets` per thousand, not one request each (a 200-wallet graph took 10 s under the server's
 * per-token rate limit). A wallet the index does not know, or a failed request, gives null.
 */
async function walletStates(addresses, block = null) {
  const keyOf = (a) => `${a}@${block ?? ctx.tip}`;
  const missing = [...new Set(addresses.filter((a) => a !== ZERO && !stateCache.has(keyOf(a))))];
  for (let i = 0; i < missing.length; i += RECORDS_PER_REQUEST) {
    const chunk = missing.slice(i, i + RECORDS_PER_REQUEST);
    const batch = send("POST", "/api/asof/wallets", { wallets: chunk, ...(block === null ? {} : { block }) }).then((r) => r.records);
    chunk.forEach((a, j) => stateCache.set(keyOf(a), batch.then((records) => records[j], (e) => {
      stateCache.delete(keyOf(a));
      throw e;
    })));
  }
  return Promise.all(addresses.map((a) => (stateCache.get(keyOf(a)) ?? Promise.resolve(null)).catch(() => null)));
}
/** Runs `fn` over `items` with at most `n` at a time. */
async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]).catch(() => null);
    }
  }));
  return out;
}

// ── URL state ───────────────────────────────────────────────────────────────────────────────────────────

/** The state in the hash: `#view=trace&dir=forward&start=0x…&hops=3`. */
function state() {
  const p = new URLSearchParams(location.hash.slice(1));
  const s = Object.fromEntries(p);
  if (!VIEWS.includes(s.view)) s.view = "trace";
  return s;
}
function link(s) {
  const clean = Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined && v !== null && v !== ""));
  return `#${new URLSearchParams(clean)}`;
}
/** Moves to a state (a new history entry); the hashchange handler renders it. */
function go(s) {
  const target = link(s);
  if (target === location.hash) render();
  else location.hash = target;
}
/** Changes part of the current state without a new history entry and without rendering. */
function note(patch) {
  history.replaceState(null, "", link({ ...state(), ...patch }));
}

// ── sign in ─────────────────────────────────────────────────────────────────────────────────────────────

function showLogin(message) {
  $("app").hidden = true;
  $("login").hidden = false;
  $("status").textContent = message ?? "not signed in";
  $("token").focus();
}

async function signIn() {
  const status = await getJson("/api/status");
  Object.assign(ctx, { role: status.role, name: status.name, tip: status.position?.block ?? null });
  const [labels, institutions] = await Promise.all([
    getJson("/api/labels").catch(() => null),
    getJson("/api/institutions").catch(() => ({})), // not served: ids are shown instead of names
  ]);
  if (labels) Object.assign(ctx, { symbol: labels.token.symbol, decimals: labels.token.decimals, lots: labels.lots ?? {} });
  ctx.institutions = institutions ?? {};
  await loadFlags();
  $("login").hidden = true;
  $("app").hidden = false;
  document.body.dataset.role = status.role;
  $("status").textContent = `${status.name} (${status.role}) · index at block ${status.position?.block ?? "–"} · ${status.counts.transfers} transfers · ${status.store}`;
  await render();
}

async function loadFlags() {
  const { flags } = await getJson("/api/flags");
  ctx.flags = new Map(flags.map((f) => [f.wallet, f]));
}

// ── graph ───────────────────────────────────────────────────────────────────────────────────────────────

const graph = new FlowGraph($("graph"), {
  onSelect: (address) => selectWallet(address),
  onOpen: (address) => {
    const s = state();
    go({ view: "trace", dir: s.view === "trace" ? s.dir : "forward", start: address, hops: s.hops ?? 3 });
  },
  onEdge: (g) => showEdge(g),
});
window.goodsLedger = { graph, ctx, money };

/** Shows an error instead of the graph and results (never the stale graph). */
function fail(error, where = "view") {
  if (error.message === "unauthorized") return;
  graph.clear();
  current = null;
  $("summary").textContent = "";
  $("error").textContent = error.message;
  $("error").hidden = false;
  $(`${where}-results`)?.replaceChildren();
  $("edge-rows").replaceChildren();
  $("side").replaceChildren();
}
function clearError() {
  $("error").hidden = true;
  $("error").textContent = "";
}

/** One node's label: the wallet, its role and institution, and its status. */
function nodeLabel(address, info, hub) {
  const lines = [short(address)];
  if (info) lines.push(`${info.state.role} · ${institutionName(info.state.institution)}`);
  const status = [];
  if (info && info.state.status !== "active") status.push(info.state.status);
  if (info?.state.denylisted) status.push("denylisted");
  if (ctx.flags.has(address)) status.push("⚑ flagged");
  if (hub) status.push("hub");
  if (status.length) lines.push(status.join(" · "));
  return lines.join("\n");
}

/**
 * Draws transfers with their wallets: registry record (now, or at `block`) for up to NODE_INFO_LIMIT of them,
 * status classes, and the edge table under the graph.
 */
async function drawGraph(wallets, edges, { block = null, extra = {}, selected, starts = true, backward = false } = {}) {
  const addresses = wallets.map((w) => w.address);
  const infos = await walletStates(addresses.slice(0, NODE_INFO_LIMIT), block);
  const info = new Map(addresses.slice(0, NODE_INFO_LIMIT).map((a, i) => [a, infos[i]]));
  // Wallets without a fetched record take their state from the transfers (as they were then).
  const seen = new Map();
  for (const e of edges) {
    seen.set(e.from, e.fromState);
    seen.set(e.to, e.toState);
  }
  const nodes = wallets.map((w) => {
    const i = info.get(w.address);
    const st = i?.state ?? seen.get(w.address);
    const classes = [];
    if (starts && w.hop === 0) classes.push("start");
    if (w.hub) classes.push("hub");
    if (st?.status === "frozen") classes.push("frozen");
    if (st?.status === "closed") classes.push("closed");
    if (st?.denylisted) classes.push("denylisted");
    if (ctx.flags.has(w.address)) classes.push("flagged");
    for (const c of extra[w.address] ?? []) classes.push(c);
    return { id: w.address, hop: w.hop, label: nodeLabel(w.address, i, w.hub), classes };
  });
  const drawn = edges.map((e) => ({ ...e, amountUnits: toUnits(e.amount).toString() }));
  $("summary").textContent = `Laying out ${edges.length} transfer(s) among ${wallets.length} wallet(s)…`;
  const how = await graph.draw(nodes, drawn, {
    selected,
    backward,
    fmt: {
      // The year is left out of the label (the summary, the table and a click give full dates).
      edgeLabel: (g) => `${money(g.total)}${g.transfers.length > 1 ? ` ×${g.transfers.length}` : ""}\n${kindLabel(g.kind)} · ${when(g.first, true).slice(5)}${g.last !== g.first ? ` → ${when(g.last, true).slice(5)}` : ""}`,
    },
  });
  $("graph").dataset.layout = how;
  fillEdgeTable();
  if (selected) graph.select(selected);
  return how;
}

/** The drawn edges as a table (for keyboards, screen readers and copying). */
function fillEdgeTable() {
  const rows = graph.groups.slice(0, 500).map((g, i) => el("tr", { dataset: { ids: g.transfers.map((t) => t.id).join(",") } },
    el("td", {}, walletLink(g.from, g.kind)), el("td", {}, walletLink(g.to, g.kind)), el("td", {}, kindLabel(g.kind)), el("td", { class: "num" }, String(g.transfers.length)),
    el("td", { class: "num" }, money(g.total)), el("td", {}, `${when(g.first)}${g.last !== g.first ? ` → ${when(g.last)}` : ""}`),
    el("td", {}, el("button", { type: "button", class: "plain small", onclick: () => showEdge(graph.groups[i]) }, "details"))));
  $("edge-rows").replaceChildren(...rows);
  $("edge-count").textContent = `${graph.groups.length} drawn edge(s)${graph.groups.length > 500 ? " (first 500 listed)" : ""}`;
}

function showEdge(g) {
  if (!g) return;
  $("side").replaceChildren(
    el("h2", {}, `${kindLabel(g.kind)}: ${g.transfers.length} transfer(s), ${money(g.total)}`),
    el("p", {}, walletLink(g.from, g.kind), " → ", walletLink(g.to, g.kind)),
    table(["time", "amount", "lot / reference", "id"], g.transfers.map((t) => el("tr", {},
      el("td", {}, when(t.timestamp)), el("td", { class: "num" }, money(t.amount)),
      el("td", {}, t.lot ? lotName(t.lot) : t.reference ? codeText(t.reference) : "–"), el("td", { class: "mono" }, t.id)))),
  );
}

/** The side panel for a wallet clicked on the graph: its record now and links to its views. */
async function selectWallet(address) {
  graph.select(address);
  note({ sel: address });
  const panel = $("side");
  const head = [el("h2", {}, "Wallet"), el("div", { class: "mono", id: "wallet-address" }, address)];
  panel.replaceChildren(...head);
  try {
    const [info, prov] = await Promise.all([walletState(address), query("provenance", { wallet: address, policy: "fifo" })]);
    if (state().sel !== address) return; // another wallet was chosen meanwhile
    panel.replaceChildren(...head, stateTags(info), provenanceBar(prov), el("p", {}, `balance ${money(prov.balance)} (FIFO)`),
      el("div", { class: "actions" },
        el("a", { class: "button", href: link({ view: "wallet", wallet: address }) }, "Wallet view"),
        el("a", { class: "button", href: link({ view: "exposure", wallet: address }) }, "Exposure"),
        el("a", { class: "button", href: link({ view: "trace", dir: "forward", start: address, hops: state().hops ?? 3 }) }, "Trace from here")),
      el("p", { class: "muted" }, "Double-click (or Enter) traces from a wallet."));
  } catch (e) {
    if (e.message !== "unauthorized") panel.append(el("p", { class: "error" }, e.message));
  }
}

function stateTags(info) {
  const s = info.state;
  return el("div", { class: "tags" },
    tag(s.status, s.status === "active" ? "" : "bad"), tag(s.role), tag(institutionName(s.institution)), tag(`tier ${s.tier}`), tag(`region ${s.region}`),
    s.denylisted ? tag("denylisted", "bad") : null, ctx.flags.has(info.wallet) ? tag("⚑ flagged", "warn") : null);
}

/** Lot provenance as a stacked bar, each segment labelled with its lot. */
function provenanceBar(prov) {
  if (prov.lots.length === 0) return el("div", { class: "bar empty" }, el("span", { class: "muted" }, "nothing held"));
  return el("div", { class: "bar", role: "img", "aria-label": prov.lots.map((l) => `${lotName(l.lot)} ${pct(l.share)}`).join(", ") || "nothing held" },
    prov.lots.map((l, i) => el("div", {
      class: "seg", dataset: { lot: l.lot ?? "none" }, title: `${lotName(l.lot)}: ${money(l.amount)} (${pct(l.share)})`,
      style: `width:${(l.share * 100).toFixed(3)}%;background:${PALETTE[i % PALETTE.length]}`,
    }, l.share >= 0.12 ? `${lotName(l.lot)} ${pct(l.share)}` : "")));
}

// ── views ───────────────────────────────────────────────────────────────────────────────────────────────

/** Which panels a view shows. */
function show(view) {
  for (const v of VIEWS) {
    $(`form-${v}`).hidden = v !== view;
    const tab = $(`tab-${v}`);
    tab.setAttribute("aria-selected", String(v === view));
    tab.tabIndex = v === view ? 0 : -1;
  }
  document.body.dataset.view = view;
  const page = view === "wallet" || view === "cases";
  $("graph-area").hidden = page;
  document.querySelector("aside").hidden = page;
  $("page-results").hidden = !page;
  $("wallet-results").hidden = view !== "wallet";
  $("cases-results").hidden = view !== "cases";
  $("exposure-results").hidden = view !== "exposure";
  $("alerts-results").hidden = view !== "alerts";
}

async function render() {
  if ($("app").hidden) return;
  const s = state();
  const seq = ++renderSeq;
  show(s.view);
  clearError();
  $("side").replaceChildren();
  fillForm(s);
  try {
    await { trace: renderTrace, wallet: renderWallet, exposure: renderExposure, alerts: renderAlerts, cases: renderCases }[s.view](s, seq);
  } catch (e) {
    if (seq === renderSeq) fail(e, s.view);
  }
  // Finished renders, counted (tests and scripts wait on it); the view's state at that moment.
  if (seq === renderSeq) {
    document.body.dataset.renders = String(seq);
    document.body.dataset.state = $("error").hidden ? "ready" : "error";
  }
}

/** Puts the state's values into the view's form controls. */
function fillForm(s) {
  for (const input of document.querySelectorAll("[data-key]")) {
    if (input.closest("form").id !== `form-${s.view}`) continue;
    const v = s[input.dataset.key] ?? input.dataset.default ?? "";
    if (input.type === "checkbox") input.checked = (s[input.dataset.key] ?? input.dataset.default ?? "").split(",").includes(input.value);
    else input.value = v;
  }
}

/** A form's values as state. */
function formState(form) {
  const s = { view: form.id.slice("form-".length) };
  for (const input of form.querySelectorAll("[data-key]")) {
    const k = input.dataset.key;
    if (input.type === "checkbox") {
      if (input.checked) s[k] = s[k] ? `${s[k]},${input.value}` : input.value;
    } else if (input.value.trim() !== "") s[k] = input.value.trim();
  }
  return s;
}

/** Start of a trace as the CLI reads it: hex is a wallet (a tx hash needs :logIndex), anything else a transfer id. */
const startParam = (start) => (/^0x[0-9a-fA-F]*$/.test(start) && start.length !== 66 ? "wallet" : "transfer");

function traceQuery(s) {
  const start = (s.start ?? "").trim();
  if (start === "") throw new Error("enter a wallet (0x…) or a transfer id (block.tx.log) to trace from");
  const q = { hops: Number(s.hops ?? 3) };
  if (s.min) q.minAmount = tokensToUnits(s.min).toString();
  if (s.hub) q.hubDegree = Number(s.hub);
  if (s.to) return { kind: "path", from: start, to: s.to, ...q };
  return { kind: s.dir === "backward" ? "backward" : "forward", [startParam(start)]: start, ...q };
}
/** A query as URL parameters of `GET /api/<kind>`. */
function params(q) {
  const p = {};
  for (const [k, v] of Object.entries(q)) if (k !== "kind" && v !== undefined) p[k] = Array.isArray(v) ? v.join(",") : String(v);
  return p;
}

async function renderTrace(s, seq) {
  if (!s.start) {
    graph.clear();
    $("summary").textContent = "Enter a wallet or a transfer and press Trace.";
    $("edge-rows").replaceChildren();
    return;
  }
  const q = traceQuery(s);
  const t0 = performance.now();
  const result = await query(q.kind, params(q));
  if (seq !== renderSeq) return;
  current = q;
  const t1 = performance.now();
  await drawGraph(result.wallets, result.edges, { selected: s.sel, backward: q.kind === "backward" });
  graph.timings = { query: Math.round(t1 - t0), total: Math.round(performance.now() - t0), ...graph.timings };
  const total = result.edges.reduce((a, e) => a + toUnits(e.amount), 0n);
  $("summary").textContent = `${q.kind}: ${result.edges.length} transfer(s) moving ${money(total)}, ${result.wallets.length} wallet(s), block ${result.atBlock}` +
    `${result.truncated ? " — truncated at the edge cap" : ""}${q.kind === "path" ? ` · shortest path ${result.shortest ?? "none"} hop(s)` : ""}`;
  if (s.sel) selectWallet(s.sel);
  else $("side").replaceChildren(el("p", { class: "muted" }, "Click a wallet for its record and lots; click an edge for its transfers; double-click a wallet to trace from it."));
}

async function renderWallet(s, seq) {
  const out = $("wallet-results");
  out.replaceChildren();
  if (!s.wallet) {
    out.append(el("p", { class: "muted" }, "Enter a wallet to see its registry record (now and as of a block), the goods lots behind its balance, and its flows."));
    return;
  }
  const block = s.block ? Number(s.block) : null;
  const policy = s.policy ?? "fifo";
  const window = block === null ? {} : { toBlock: block };
  const [now, then, prov, inflow, outflow] = await Promise.all([
    walletState(s.wallet),
    block === null ? null : walletState(s.wallet, block),
    query("provenance", { wallet: s.wallet, policy, ...(block === null ? {} : { atBlock: block }) }),
    query("backward", { wallet: s.wallet, hops: 1, maxEdges: 10000, hubDegree: 1000000000, ...window }),
    query("forward", { wallet: s.wallet, hops: 1, maxEdges: 10000, hubDegree: 1000000000, ...window }),
  ]);
  if (seq !== renderSeq) return;
  current = { kind: "provenance", wallet: s.wallet, policy, ...(block === null ? {} : { atBlock: block }) };
  const lotStates = new Map(await pool(prov.lots.filter((l) => l.lot), RECORDS_AT_ONCE, (l) => query("asof", { lot: l.lot, ...(block === null ? {} : { block }) }).then((r) => [l.lot, r.state])));
  // Registry record: now, and as of the block.
  const rows = [
    ["status", (w) => w.state.status], ["denylisted", (w) => (w.state.denylisted ? "yes" : "no")], ["role", (w) => w.state.role],
    ["institution", (w) => institutionName(w.state.institution)], ["tier", (w) => `${w.state.tier}${w.limits ? ` (max transfer ${money(w.limits.maxTransfer)}, daily ${money(w.limits.dailyOutflow)})` : ""}`],
    ["region", (w) => String(w.state.region)], ["KYC valid until", (w) => (w.state.kycExpiryDay ? new Date(w.state.kycExpiryDay * 86_400_000).toISOString().slice(0, 10) : "–")],
    ["could move funds", (w) => (w.canMove === null ? "unknown" : w.canMove ? "yes" : "no")], ["flag (case list, today)", (w) => (w === now ? ctx.flags.get(s.wallet)?.reason ?? "not flagged" : "–")],
  ];
  const head = ["", `now (block ${ctx.tip})`, ...(then ? [`as of block ${block}`] : [])];
  const registry = table(head, rows.map(([name, f]) => {
    const a = f(now);
    const b = then ? f(then) : null;
    return el("tr", { class: b !== null && b !== a && b !== "–" ? "changed" : "" }, el("th", { scope: "row" }, name), el("td", {}, a), b === null ? null : el("td", {}, b));
  }), { id: "registry" });
  // Lot provenance.
  const lotRows = prov.lots.map((l) => {
    const ls = l.lot ? lotStates.get(l.lot) : null;
    return el("tr", { dataset: { lot: l.lot ?? "none" } }, el("td", {}, lotName(l.lot)), el("td", {}, ls ? codeText(ls.classCode) : "–"),
      el("td", {}, `${l.status ?? "–"}${l.expired ? ", expired" : ""}`), el("td", { class: "num" }, money(l.amount)), el("td", { class: "num" }, pct(l.share)));
  });
  const f = prov.flows;
  const flows = [["issued", f.issued, 1], ["received", f.received, 1], ["seized in", f.seizedIn, 1], ["recovered in", f.recoveredIn, 1],
    ["sent", f.sent, -1], ["redeemed", f.redeemed, -1], ["seized out", f.seizedOut, -1], ["recovered out", f.recoveredOut, -1]];
  const net = flows.reduce((a, [, v, sign]) => a + BigInt(sign) * toUnits(v), 0n);
  // Timeline: every transfer in and out, oldest first.
  const moves = [
    ...inflow.edges.filter((e) => e.to === s.wallet).map((e) => ({ e, dir: "in" })),
    ...outflow.edges.filter((e) => e.from === s.wallet && e.to !== s.wallet).map((e) => ({ e, dir: "out" })),
  ].sort((a, b) => (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0));
  out.append(
    el("section", { class: "card" }, el("h2", {}, "Registry record ", el("span", { class: "mono muted" }, s.wallet)), registry),
    el("section", { class: "card" }, el("h2", {}, `Lot provenance (${prov.policy}) at block ${prov.atBlock}: balance ${money(prov.balance)}`),
      provenanceBar(prov),
      table(["lot", "goods class", "lot status", "amount", "share"], lotRows, { id: "lot-rows" }),
      el("p", { id: "flows", class: "muted" }, flows.map(([n, v, sign]) => `${n} ${sign > 0 ? "+" : "−"}${money(v, false)}`).join(" · "), ` = balance ${money(net)}`)),
    el("section", { class: "card" }, el("h2", {}, `Flows over time: ${moves.length} movement(s)`), timeline(moves),
      table(["time", "", "counterparty", "kind", "amount", "lot"], moves.map(({ e, dir }) => el("tr", { class: dir, dataset: { id: e.id } },
        el("td", {}, when(e.timestamp)), el("td", {}, dir === "in" ? "in ←" : "out →"), el("td", {}, walletLink(dir === "in" ? e.from : e.to, edgeKind(e))),
        el("td", {}, kindLabel(edgeKind(e))), el("td", { class: "num" }, `${dir === "in" ? "+" : "−"}${money(e.amount)}`), el("td", {}, e.lot ? lotName(e.lot) : ""))), { id: "timeline-rows" })),
  );
}

/** Inflows above the axis, outflows below, on a time axis (SVG). */
function timeline(moves) {
  const W = 900;
  const H = 140;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("class", "timeline");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${moves.length} inflows and outflows over time`);
  if (moves.length === 0) return svg;
  const t0 = Math.min(...moves.map((m) => m.e.timestamp));
  const t1 = Math.max(...moves.map((m) => m.e.timestamp));
  const max = moves.reduce((a, m) => (toUnits(m.e.amount) > a ? toUnits(m.e.amount) : a), 1n);
  const x = (t) => 40 + ((t - t0) / Math.max(1, t1 - t0)) * (W - 60);
  const mid = H / 2;
  const add = (name, attrs, text) => {
    const n = document.createElementNS("http://www.w3.org/2000/svg", name);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
    if (text) n.textContent = text;
    svg.append(n);
    return n;
  };
  add("line", { x1: 30, x2: W - 10, y1: mid, y2: mid, stroke: "#9aa7b4" });
  add("text", { x: 2, y: 14, class: "axis" }, "in");
  add("text", { x: 2, y: H - 4, class: "axis" }, "out");
  for (const { e, dir } of moves) {
    const h = Math.max(2, (Number((toUnits(e.amount) * 1000n) / max) / 1000) * (mid - 8));
    const bar = add("rect", { x: x(e.timestamp) - 2, width: 4, y: dir === "in" ? mid - h : mid, height: h, fill: dir === "in" ? "#2e7d32" : "#c62828" });
    const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
    title.textContent = `${when(e.timestamp)} ${dir} ${money(e.amount)} (${kindLabel(edgeKind(e))})`;
    bar.append(title);
  }
  add("text", { x: 40, y: H - 4, class: "axis" }, when(t0));
  add("text", { x: W - 10, y: H - 4, class: "axis", "text-anchor": "end" }, when(t1));
  return svg;
}

async function renderExposure(s, seq) {
  const out = $("exposure-results");
  if (!s.wallet) {
    graph.clear();
    out.replaceChildren(el("p", { class: "muted" }, "Enter a wallet: how much of what it received traces back to flagged, frozen or denylisted wallets."));
    $("summary").textContent = "";
    $("edge-rows").replaceChildren();
    return;
  }
  const policy = s.policy ?? "haircut";
  // The flag list goes into the query itself, so an evidence pack of this view answers exactly what is shown.
  await loadFlags();
  const flagged = [...ctx.flags.keys()].sort();
  const q = { kind: "exposure", wallet: s.wallet, policy, ...(s.block ? { atBlock: Number(s.block) } : {}), ...(flagged.length ? { flagged } : {}) };
  const r = await query("exposure", params(q));
  if (seq !== renderSeq) return;
  current = q;
  const sourceSet = new Set(r.bySource.map((x) => x.source));
  out.replaceChildren(...[
    el("p", { class: "big", id: "exposure-share" }, `${pct(r.share)} exposed: ${money(r.exposed)} of ${money(r.inflow)} received (${r.policy}, block ${r.atBlock})`),
    table(["", "amount"], [el("tr", {}, el("th", { scope: "row" }, "direct (1 hop)"), el("td", { class: "num" }, money(r.direct))),
      el("tr", {}, el("th", { scope: "row" }, "indirect (2+ hops)"), el("td", { class: "num" }, money(r.indirect)))], { id: "exposure-split" }),
    el("h3", {}, "By hop"),
    table(["hops", "amount"], r.byHops.map((h) => el("tr", {}, el("td", {}, String(h.hops)), el("td", { class: "num" }, money(h.amount)))), { id: "exposure-hops" }),
    el("h3", {}, "By source"),
    r.bySource.length === 0 ? el("p", { class: "muted" }, `No exposure: none of the ${r.sources.length} source(s) reached this wallet.`) : null,
    table(["source", "why", "amount", "fewest hops"], r.bySource.map((x) => el("tr", { dataset: { source: x.source } },
      el("td", {}, walletLink(x.source)), el("td", {}, x.reasons.map((why) => tag(why === "flagged" ? `⚑ ${ctx.flags.get(x.source)?.reason ?? "flagged"}` : why, "bad"))),
      el("td", { class: "num" }, money(x.amount)), el("td", { class: "num" }, String(x.minHops)))), { id: "exposure-sources" }),
  ].filter(Boolean));
  // The graph: the wallet's backward trace deep enough to reach every source, sources marked.
  const hops = Math.min(10, Math.max(1, ...r.bySource.map((x) => x.minHops)));
  const back = await query("backward", { wallet: s.wallet, hops, ...(s.block ? { toBlock: s.block } : {}) });
  if (seq !== renderSeq) return;
  const extra = Object.fromEntries([...sourceSet].map((a) => [a, ["source"]]));
  await drawGraph(back.wallets, back.edges, { extra, block: s.block ? Number(s.block) : null, selected: s.sel, backward: true });
  $("summary").textContent = `exposure of ${short(s.wallet)}: backward ${hops} hop(s), ${back.edges.length} transfer(s); ${sourceSet.size} source(s) reached, outlined in orange` +
    `${[...sourceSet].some((a) => !back.wallets.some((w) => w.address === a)) ? " (some sources lie beyond the drawn trace)" : ""}`;
}

async function renderAlerts(s, seq) {
  const out = $("alerts-results");
  const types = s.types ? s.types.split(",") : [];
  const q = { kind: "alerts", ...(s.awallet ? { wallet: s.awallet } : {}), ...(types.length ? { types } : {}) };
  const list = await query("alerts", params(q));
  if (seq !== renderSeq) return;
  current = q;
  const from = s.since ? Date.parse(`${s.since}T00:00:00Z`) / 1000 : -Infinity;
  const to = s.until ? Date.parse(`${s.until}T23:59:59Z`) / 1000 : Infinity;
  // A reserve shortfall is about the ledger (no wallet) and may carry no transfer: it has no time of its own here.
  const time = (a) => (a.evidence.length ? Math.max(...a.evidence.map((e) => e.timestamp)) : null);
  alertsShown = list.filter((a) => (time(a) === null ? !s.since && !s.until : time(a) >= from && time(a) <= to));
  const keyOf = (a) => `${a.type}:${a.wallet}:${a.at}`;
  out.replaceChildren(
    el("p", { class: "muted" }, `${alertsShown.length} of ${list.length} alert(s)${s.since || s.until ? " in the time window" : ""}`),
    el("ul", { class: "alerts", id: "alert-list" }, alertsShown.map((a) => el("li", {},
      el("button", { type: "button", class: `alert${s.alert === keyOf(a) ? " active" : ""}`, dataset: { alert: keyOf(a) }, "aria-pressed": String(s.alert === keyOf(a)),
        onclick: () => go({ ...state(), alert: keyOf(a), sel: undefined }) },
        el("strong", {}, a.type), " ", (a.wallet ? el("span", { class: "mono" }, short(a.wallet)) : "the ledger"), " · ", when(time(a)), el("br"),
        el("span", {}, `${a.evidence.length} transfer(s), ${money(a.evidence.reduce((t, e) => t + toUnits(e.amount), 0n))} in all`), el("br"),
        el("span", { class: "summary" }, a.summary))))),
  );
  const chosen = alertsShown.find((a) => keyOf(a) === s.alert);
  // With an alert open, the view (and its evidence pack) is that wallet's alerts of that type.
  if (chosen) current = { kind: "alerts", wallet: chosen.wallet, types: [chosen.type] };
  if (!chosen) {
    graph.clear();
    $("edge-rows").replaceChildren();
    $("summary").textContent = alertsShown.length ? "Choose an alert to draw its evidence transfers." : "No alerts.";
    return;
  }
  // The evidence transfers on the graph, each wallet in the column of its first appearance (the zero address of a
  // mint or burn is no wallet: the graph draws it as a marker of the transfer's kind).
  const hopOf = new Map(chosen.wallet ? [[chosen.wallet, 0]] : []);
  chosen.evidence.forEach((e, i) => {
    if (!hopOf.has(e.from) && e.from !== ZERO) hopOf.set(e.from, i);
    if (!hopOf.has(e.to) && e.to !== ZERO) hopOf.set(e.to, i + 1);
  });
  const wallets = [...hopOf].map(([address, hop]) => ({ address, hop, hub: false }));
  await drawGraph(wallets, chosen.evidence.map((e) => ({ ...e, hop: hopOf.get(e.to) ?? 0 })), { extra: chosen.wallet ? { [chosen.wallet]: ["source"] } : {}, selected: s.sel, starts: false });
  $("summary").textContent = `${chosen.type} alert on ${chosen.wallet ? short(chosen.wallet) : "the ledger"}: ${chosen.evidence.length} evidence transfer(s)`;
}

async function renderCases() {
  await loadFlags();
  const admin = ctx.role === "admin";
  $("flag-form").querySelectorAll("input, button").forEach((c) => (c.disabled = !admin));
  $("flag-note").textContent = admin ? "" : `Signed in as ${ctx.name} (${ctx.role}): flagging and unflagging need the admin role.`;
  $("flag-rows").replaceChildren(...[...ctx.flags.values()].map((f) => el("tr", { dataset: { wallet: f.wallet } },
    el("td", {}, walletLink(f.wallet)), el("td", {}, f.reason), el("td", {}, f.createdAt.slice(0, 16).replace("T", " ")),
    // A flag counts as an exposure source from the block it was set at (docs/TRACE.md F1); null: from block 0.
    el("td", { class: "num" }, String(f.block ?? 0)),
    el("td", {}, el("button", { type: "button", class: "plain small", disabled: !admin, onclick: () => unflag(f.wallet) }, "Unflag")))));
  showPack();
}

// ── flags, evidence packs ───────────────────────────────────────────────────────────────────────────────

async function flag(wallet, reason) {
  $("case-message").textContent = "";
  try {
    await send("PUT", `/api/flags/${encodeURIComponent(wallet)}`, { reason });
    $("case-message").textContent = `Flagged ${wallet}.`;
    $("flag-wallet").value = "";
    $("flag-reason").value = "";
  } catch (e) {
    $("case-message").textContent = `Not flagged: ${e.message}`;
  }
  stateCache.clear();
  await renderCases();
}
async function unflag(wallet) {
  try {
    await send("DELETE", `/api/flags/${encodeURIComponent(wallet)}`, {});
    $("case-message").textContent = `Unflagged ${wallet}.`;
  } catch (e) {
    $("case-message").textContent = `Not unflagged: ${e.message}`;
  }
  await renderCases();
}

/** Builds an evidence pack of the current view's query on the server, then shows it in Flags and cases. */
async function buildPack() {
  if (!current) {
    $("pack-message").textContent = "Nothing to pack: open a trace, wallet, exposure or alerts view first.";
    return;
  }
  try {
    lastPack = await send("POST", "/api/evidence", { query: current });
    go({ view: "cases" });
  } catch (e) {
    $("error").hidden = false;
    $("error").textContent = `Evidence pack not built: ${e.message}`;
  }
}

function showPack() {
  const box = $("pack");
  if (!lastPack) {
    box.replaceChildren(el("p", { class: "muted" }, "No pack built in this session: open a view and press “Evidence pack”."));
    return;
  }
  const p = lastPack;
  const name = `evidence-${p.query.kind}-${p.chain.block.number}-${p.sha256.slice(0, 8)}.json`;
  const blob = new Blob([`${JSON.stringify(p, null, 2)}\n`], { type: "application/json" });
  box.replaceChildren(
    el("p", { id: "pack-summary" }, `${p.query.kind} pack at block ${p.chain.block.number} (chain ${p.chain.chainId}), sha256 `, el("span", { class: "mono" }, p.sha256)),
    el("a", { class: "button", id: "pack-download", href: URL.createObjectURL(blob), download: name }, `Download ${name}`),
  );
}

async function verifyUpload(file) {
  const out = $("verify-result");
  out.replaceChildren(el("p", { class: "muted" }, `Verifying ${file.name}…`));
  try {
    const pack = JSON.parse(await file.text());
    const v = await send("POST", "/api/evidence/verify", { pack });
    out.replaceChildren(el("p", { class: v.ok ? "ok big" : "error big", id: "verify-verdict" }, v.ok ? `✓ ${file.name} verifies` : `✗ ${file.name} does not verify`),
      table(["check", "", "detail"], v.checks.map((c) => el("tr", { class: c.ok ? "ok" : "bad" }, el("td", {}, c.check), el("td", {}, c.ok ? "✓" : "✗"), el("td", {}, c.detail)))));
  } catch (e) {
    out.replaceChildren(el("p", { class: "error", id: "verify-verdict" }, `✗ ${e instanceof SyntaxError ? `${file.name} is not JSON` : e.message}`));
  }
}

// ── wiring ──────────────────────────────────────────────────────────────────────────────────────────────

function legend() {
  const items = [
    ...Object.entries(EDGE_KINDS).filter(([k]) => k !== "mint" && k !== "burn").map(([k, v]) => el("li", {}, el("span", { class: `swatch edge ${v.line}`, style: `border-color:${v.color}` }), v.label)),
    ...Object.entries(NODE_STATUSES).map(([k, v]) => el("li", {}, el("span", { class: `swatch node ${k}` }), v)),
    el("li", {}, el("span", { class: "swatch node endpoint" }), "(issue) / (redemption): where minted or burned funds start or end, no wallet"),
    el("li", {}, "arrow: direction of funds · label: total, count ×n, kind, first → last time (UTC)"),
  ];
  $("legend").replaceChildren(el("ul", {}, items));
}

for (const form of document.querySelectorAll("form.view")) {
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    go(formState(form));
  });
}
$("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  token = $("token").value.trim();
  sessionStorage.setItem("goods-ledger-token", token);
  await signIn().catch((e) => e.message !== "unauthorized" && showLogin(e.message));
});
$("sign-out").addEventListener("click", () => {
  sessionStorage.removeItem("goods-ledger-token");
  token = null;
  showLogin();
});
// Tabs: click, or arrow keys along the tab list.
const tabs = VIEWS.map((v) => $(`tab-${v}`));
tabs.forEach((tab, i) => {
  tab.addEventListener("click", () => go({ ...lastOf(VIEWS[i]), view: VIEWS[i] }));
  tab.addEventListener("keydown", (ev) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[ev.key];
    if (!step) return;
    const next = tabs[(i + step + tabs.length) % tabs.length];
    next.focus();
    next.click();
  });
});
/** The last state of each view (so switching tabs comes back to it). */
const lastStates = {};
const lastOf = (view) => lastStates[view] ?? {};
window.addEventListener("hashchange", () => {
  const s = state();
  lastStates[s.view] = s;
  render();
});
for (const b of document.querySelectorAll("[data-export]")) {
  b.addEventListener("click", async () => {
    if (!current) return;
    try {
      if (b.dataset.export === "png") {
        const a = el("a", { href: graph.cy.png({ full: true, scale: 2, bg: "#ffffff" }), download: `goods-ledger-${current.kind}.png` });
        a.click();
        return;
      }
      const p = new URLSearchParams(params(current));
      p.set("format", b.dataset.export);
      const blob = await (await api(`/api/${current.kind}?${p}`)).blob();
      el("a", { href: URL.createObjectURL(blob), download: `goods-ledger-${current.kind}.${b.dataset.export}` }).click();
    } catch (e) {
      $("error").hidden = false;
      $("error").textContent = `Export failed: ${e.message}`;
    }
  });
}
$("make-pack").addEventListener("click", buildPack);
$("flag-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  flag($("flag-wallet").value.trim(), $("flag-reason").value.trim());
});
$("verify-file").addEventListener("change", (ev) => ev.target.files[0] && verifyUpload(ev.target.files[0]));
for (const t of ALERT_TYPES) {
  $("alert-types").append(el("label", { class: "check" }, el("input", { type: "checkbox", value: t, dataset: { key: "types" } }), t));
}
legend();
window.addEventListener("resize", () => graph.cy.resize());

if (token) signIn().catch((e) => e.message !== "unauthorized" && showLogin(e.message));
else showLogin();
