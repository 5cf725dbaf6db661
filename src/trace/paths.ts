import { traceEdge, traceSettings, edgeWallets } from "./trace.js";
import type { TraceEdge, TraceOptions, TraceWallet } from "./trace.js";
import type { TraceModel } from "./model.js";
import { seqWindow, walletNumber } from "./options.js";
import type { WindowOptions } from "./options.js";
import { bestAt, firstLevel, lowerBound, search } from "./search.js";
import { amountOf, degree } from "./model.js";

/** One transfer on a path: `hop` is its position from the source, `pathLength` the shortest walk through it. */
export interface PathEdge extends TraceEdge {
  pathLength: number;
}

/** The answer of {@link findPaths}. */
export interface PathResult {
  from: string;
  to: string;
  options: Required<Pick<TraceOptions, "hops" | "hubDegree" | "maxEdges">> & WindowOptions;
  /** Every transfer on some time-respecting walk from `from` to `to` of at most `hops` transfers, by (hop, id). */
  edges: PathEdge[];
  wallets: TraceWallet[];
  /** Length of the shortest walk, or null when there is none. */
  shortest: number | null;
  /** One shortest walk (earliest transfers first), or empty. */
  example: TraceEdge[];
  truncated: boolean;
  atBlock: number;
}

/**
 * Paths between two wallets: every transfer that lies on a time-respecting walk of at most `hops` transfers
 * from `from` to `to` (a wallet may recur when funds came back to it), within the windows, through no hub
 * except the two ends. Runs a full backward sweep from `to`, then a forward sweep from `from` that follows a
 * wallet only if it can still reach `to` in the hops left.
 * @throws TraceInputError for a malformed or unknown wallet, hops out of 1..10, a bad window.
 * @example findPaths(model, "0xaaa…", "0xbbb…", { hops: 4 }).shortest
 */
export function findPaths(model: TraceModel, from: string, to: string, options: TraceOptions): PathResult {
  const settings = traceSettings(options);
  const window = seqWindow(model, options);
  const a = walletNumber(model, from);
  const b = walletNumber(model, to);
  const k = settings.hops;
  const common = { window, hubDegree: settings.hubDegree, maxEdges: null, exempt: [a, b] };
  // A path ends at its first arrival at `to` (rule P1): `to` is never an intermediate wallet.
  const back = search(model, { ...common, direction: "backward", starts: [{ wallet: b, bound: model.size }], hops: k - 1, follow: (w) => w !== b });
  // Intermediate wallets must be followable: not the zero address, not a hub (the two ends excepted).
  const followable = (v: number): boolean => v === a || v === b || (v !== 0 && degree(model, v, window.lo, window.hi) <= settings.hubDegree);
  // h2(v, s): fewest hops from v to b leaving after seq s (0 when v is b; Infinity through a hub).
  const toTarget = (v: number, s: number): number => (v === b ? 0 : followable(v) ? firstLevel(back, v, s, "backward") : Infinity);
  const fwd = search(model, {
    ...common,
    direction: "forward",
    starts: [{ wallet: a, bound: -1 }],
    hops: k,
    follow: (w, hop, bound) => w !== b && bestAt(back, w, k - hop, "backward") > bound,
  });
  const found: { seq: number; hop: number; length: number }[] = [];
  for (let i = 0; i < fwd.edges.length; i++) {
    const s = fwd.edges[i]!;
    const hop = fwd.hops[i]!;
    if (amountOf(model, s) === 0n) continue; // zero-value transfers carry nothing to `to` (rule Z1)
    const length = hop + toTarget(model.to[s]!, s);
    if (length <= k) found.push({ seq: s, hop, length });
  }
  const truncated = found.length > settings.maxEdges;
  const kept = found.slice(0, settings.maxEdges); // already in (hop, seq) order
  const edges: PathEdge[] = kept.map((f) => ({ ...traceEdge(model, f.seq, f.hop), pathLength: f.length }));
  const shortest = found.length === 0 ? null : Math.min(...found.map((f) => f.length));
  const example: TraceEdge[] = [];
  if (shortest !== null) {
    // Greedy: from the source, take the earliest followable transfer that still reaches `to` in the hops left.
    let u = a;
    let bound = -1;
    for (let step = 1; step <= shortest; step++) {
      const left = shortest - step;
      const end = model.outStart[u + 1]!;
      for (let i = lowerBound(model.outSeq, model.outStart[u]!, end, Math.max(bound + 1, window.lo)); i < end; i++) {
        const s = model.outSeq[i]!;
        if (s >= window.hi) break;
        if ((window.minAmount !== undefined && amountOf(model, s) < window.minAmount) || (window.maxAmount !== undefined && amountOf(model, s) > window.maxAmount)) continue;
        const v = model.to[s]!;
        if (amountOf(model, s) === 0n) continue;
        if (left === 0 ? v !== b : v === b || toTarget(v, s) > left) continue;
        example.push(traceEdge(model, s, step));
        u = v;
        bound = s;
        break;
      }
    }
  }
  return {
    from,
    to,
    options: { ...options, ...settings },
    edges,
    wallets: edgeWallets(model, kept.map((f) => f.seq), kept.map((f) => f.hop), [a, b], settings.hubDegree, window),
    shortest,
    example,
    truncated,
    atBlock: model.tip.block,
  };
}
