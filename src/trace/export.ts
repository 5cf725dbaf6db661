import { TraceInputError } from "./errors.js";
import type { QueryResult } from "./query.js";
import type { TraceEdge } from "./trace.js";
import { formatAmount, TOKEN_DECIMALS } from "@goods-ledger/sdk";
import { peopleReplacer, type PeopleNames } from "./present.js";

/** Export formats. */
export type ExportFormat = "json" | "csv" | "graphml";
/** Every export format. */
export const EXPORT_FORMATS: readonly ExportFormat[] = ["json", "csv", "graphml"];

/** Turns bigints into decimal strings, recursively: the JSON form of every result. */
export function plain(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)]));
  return value;
}

/**
 * Canonical JSON: keys sorted at every level, no whitespace, bigints as decimal strings, undefined dropped.
 * Two equal values always give the same text (what an evidence pack's sha256 is taken over).
 */
export function canonicalJson(value: unknown): string {
  const v = plain(value);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? "" : typeof v === "bigint" ? v.toString() : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
}

const EDGE_COLUMNS = ["id", "hop", "from", "to", "amount", "amount_tokens", "block", "timestamp", "tx_hash", "kind", "lot", "lot_label", "reference", "from_status", "from_denylisted", "to_status", "to_denylisted"];

/** Amounts in tokens and lot labels for the exports (O1, O2). */
function namer(names: PeopleNames) {
  const decimals = names.decimals ?? TOKEN_DECIMALS;
  return {
    tokens: (v: bigint) => formatAmount(v, decimals),
    label: (lot: string | null) => (lot === null || names.labels === false ? "" : names.lotLabels?.get(lot.toLowerCase()) ?? ""),
  };
}

function edgeCells(e: TraceEdge, n: ReturnType<typeof namer>): unknown[] {
  return [e.id, e.hop, e.from, e.to, e.amount, n.tokens(e.amount), e.block, e.timestamp, e.txHash, e.kind, e.lot, n.label(e.lot), e.reference, e.fromState.status, e.fromState.denylisted, e.toState.status, e.toState.denylisted];
}

/**
 * A result as CSV: one row per transfer for traces and paths (with `path_length`), per (alert, evidence
 * transfer) for alerts, per lot for provenance, per hop count and per source for exposure, per field for asof.
 */
export function toCsv(q: QueryResult, names: PeopleNames = {}): string {
  const n = namer(names);
  switch (q.kind) {
    case "forward":
    case "backward":
      return csv(EDGE_COLUMNS, q.result.edges.map((e) => edgeCells(e, n)));
    case "path":
      return csv([...EDGE_COLUMNS, "path_length"], q.result.edges.map((e) => [...edgeCells(e, n), e.pathLength]));
    case "alerts":
      return csv(["alert", "type", "wallet", "at", "summary", ...EDGE_COLUMNS], q.result.flatMap((a, i) =>
        a.evidence.length === 0 ? [[i + 1, a.type, a.wallet ?? "", a.at, a.summary, ...EDGE_COLUMNS.map(() => "")]] : a.evidence.map((e) => [i + 1, a.type, a.wallet ?? "", a.at, a.summary, ...edgeCells(e, n)])));
    case "provenance":
      return csv(["wallet", "policy", "at_block", "lot", "lot_label", "amount", "amount_tokens", "share", "lot_status", "expired"], q.result.lots.map((l) => [q.result.wallet, q.result.policy, q.result.atBlock, l.lot ?? "(no lot)", n.label(l.lot), l.amount, n.tokens(l.amount), l.share, l.status, l.expired]));
    case "exposure": {
      const r = q.result;
      return csv(
        ["wallet", "policy", "at_block", "section", "hops", "source", "reasons", "amount", "amount_tokens", "share_of_inflow"],
        [
          ...r.byHops.map((h) => [r.wallet, r.policy, r.atBlock, "by-hops", h.hops, "", "", h.amount, n.tokens(h.amount), r.inflow > 0n ? Number(h.amount) / Number(r.inflow) : 0]),
          ...r.bySource.map((s) => [r.wallet, r.policy, r.atBlock, "by-source", s.minHops, s.source, s.reasons.join(" "), s.amount, n.tokens(s.amount), r.inflow > 0n ? Number(s.amount) / Number(r.inflow) : 0]),
        ],
      );
    }
    case "asof": {
      const flat = (prefix: string, o: object): unknown[][] =>
        Object.entries(o).flatMap(([k, v]) => (v !== null && typeof v === "object" && typeof v !== "bigint" ? flat(`${prefix}${k}.`, v as object) : [[`${prefix}${k}`, v]]));
      return csv(["field", "value"], flat("", q.result));
    }
  }
}

function xml(s: unknown): string {
  return String(s ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

interface Graph {
  nodes: { id: string; attrs: Record<string, unknown> }[];
  edges: { id: string; source: string; target: string; attrs: Record<string, unknown> }[];
}

function graphOf(q: QueryResult, n: ReturnType<typeof namer>): Graph {
  const edgeGraph = (edges: readonly TraceEdge[], nodeAttrs: (a: string) => Record<string, unknown>): Graph => {
    const ids = new Set<string>();
    for (const e of edges) ids.add(e.from).add(e.to);
    return {
      nodes: [...ids].sort().map((id) => ({ id, attrs: nodeAttrs(id) })),
      edges: edges.map((e) => ({
        id: e.id, source: e.from, target: e.to,
        attrs: { amount: e.amount, amountTokens: n.tokens(e.amount), hop: e.hop, block: e.block, timestamp: e.timestamp, txHash: e.txHash, kind: e.kind, lot: e.lot ?? "", lotLabel: n.label(e.lot), toStatus: e.toState.status, toDenylisted: e.toState.denylisted },
      })),
    };
  };
  switch (q.kind) {
    case "forward":
    case "backward":
    case "path": {
      const wallets = new Map(q.result.wallets.map((w) => [w.address as string, w]));
      return edgeGraph(q.result.edges, (a) => ({ hop: wallets.get(a)?.hop ?? "", hub: wallets.get(a)?.hub ?? false, degree: wallets.get(a)?.degree ?? "" }));
    }
    case "alerts": {
      const all = q.result.flatMap((a) => a.evidence);
      const unique = [...new Map(all.map((e) => [e.id, e])).values()];
      const flagged = new Map<string, string[]>();
      for (const a of q.result) if (a.wallet !== null) flagged.set(a.wallet, [...(flagged.get(a.wallet) ?? []), a.type]);
      return edgeGraph(unique, (a) => ({ alerts: [...new Set(flagged.get(a) ?? [])].join(" ") }));
    }
    case "provenance": {
      const r = q.result;
      return {
        nodes: [{ id: r.wallet, attrs: { kind: "wallet", balance: r.balance } }, ...r.lots.map((l) => ({ id: l.lot ?? "no-lot", attrs: { kind: "lot", label: n.label(l.lot), status: l.status ?? "", expired: l.expired } }))],
        edges: r.lots.map((l, i) => ({ id: `p${i}`, source: l.lot ?? "no-lot", target: r.wallet, attrs: { amount: l.amount, amountTokens: n.tokens(l.amount), share: l.share, policy: r.policy } })),
      };
    }
    case "exposure": {
      const r = q.result;
      return {
        nodes: [{ id: r.wallet, attrs: { kind: "wallet", inflow: r.inflow, exposed: r.exposed } }, ...r.bySource.filter((s) => s.source !== r.wallet).map((s) => ({ id: s.source, attrs: { kind: "source", reasons: s.reasons.join(" ") } }))],
        edges: r.bySource.map((s, i) => ({ id: `x${i}`, source: s.source, target: r.wallet, attrs: { amount: s.amount, amountTokens: n.tokens(s.amount), minHops: s.minHops, policy: r.policy } })),
      };
    }
    case "asof":
      throw new TraceInputError("bad-parameter", "an asof answer is a record, not a graph: export it as JSON or CSV");
  }
}

/** A result as GraphML (yEd, Gephi, Cytoscape): wallets (and lots or sources) as nodes, transfers as edges. */
export function toGraphml(q: QueryResult, names: PeopleNames = {}): string {
  const g = graphOf(q, namer(names));
  const keys = (items: { attrs: Record<string, unknown> }[], on: string) => {
    const names = [...new Set(items.flatMap((i) => Object.keys(i.attrs)))];
    return names.map((n) => {
      const sample = items.find((i) => i.attrs[n] !== undefined && i.attrs[n] !== "")?.attrs[n];
      const type = typeof sample === "boolean" ? "boolean" : typeof sample === "number" ? "double" : "string";
      return { id: `${on}_${n}`, name: n, on, type };
    });
  };
  const nodeKeys = keys(g.nodes, "node");
  const edgeKeys = keys(g.edges, "edge");
  const data = (k: { id: string; name: string }[], attrs: Record<string, unknown>) =>
    k.filter((x) => attrs[x.name] !== undefined).map((x) => `<data key="${x.id}">${xml(typeof attrs[x.name] === "bigint" ? String(attrs[x.name]) : attrs[x.name])}</data>`).join("");
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    ...[...nodeKeys, ...edgeKeys].map((k) => `  <key id="${k.id}" for="${k.on}" attr.name="${k.name}" attr.type="${k.type}"/>`),
    `  <graph id="${q.kind}" edgedefault="directed">`,
    ...g.nodes.map((n) => `    <node id="${xml(n.id)}">${data(nodeKeys, n.attrs)}</node>`),
    ...g.edges.map((e) => `    <edge id="${xml(e.id)}" source="${xml(e.source)}" target="${xml(e.target)}">${data(edgeKeys, e.attrs)}</edge>`),
    "  </graph>",
    "</graphml>",
    "",
  ].join("\n");
}

/**
 * A result in an export format.
 * @throws TraceInputError for an unknown format, or GraphML of an asof answer.
 */
export function exportResult(q: QueryResult, format: string, names: PeopleNames = {}): string {
  if (format === "json") return `${JSON.stringify(q.result, peopleReplacer(names), 2)}\n`;
  if (format === "csv") return toCsv(q, names);
  if (format === "graphml") return toGraphml(q, names);
  throw new TraceInputError("bad-parameter", `unknown export format "${format}": use ${EXPORT_FORMATS.join(", ")}`);
}
