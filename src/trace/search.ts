import { amountOf, degree, lowerBound } from "./model.js";
import type { TraceModel } from "./model.js";
import type { SeqWindow } from "./options.js";

/** Which way a search follows funds. */
export type Direction = "forward" | "backward";

/** Parameters of a layered, time-respecting search. */
export interface SearchParams {
  /** `forward`: along outgoing transfers, later in time; `backward`: along incoming transfers, earlier. */
  direction: Direction;
  /**
   * Where funds are at the start. Forward: funds are in `wallet` after seq `bound` (-1 = from the beginning);
   * backward: funds must reach `wallet` before seq `bound` (model.size = until the end).
   */
  starts: readonly { wallet: number; bound: number }[];
  /** Maximum number of hops (levels). */
  hops: number;
  /** Transfers that may be followed. */
  window: SeqWindow;
  /** Wallets touched by more transfers than this are reached but not followed (start wallets always are). */
  hubDegree: number;
  /** Stop after this many edges (null: no cap). */
  maxEdges: number | null;
  /** Wallets followed whatever their degree (besides the start wallets). */
  exempt?: readonly number[];
  /** Optional extra rule: may wallet `w`, reached after `hop` hops with bound `bound`, be followed? */
  follow?: (w: number, hop: number, bound: number) => boolean;
  /** Only ordinary transfers (kind `transfer`) are listed and followed (alerts, rule A1). */
  ordinaryOnly?: boolean;
}

/**
 * The result of a search. Each edge is reported once, at its smallest hop; `edges` is sorted by (hop, seq).
 * `best` records, per wallet and level, the bound reached: forward, the earliest seq at which funds from the
 * start arrived within that many hops; backward, the latest seq at which funds could leave it and still reach
 * the start. Read it with {@link bestAt} / {@link firstLevel}.
 */
export interface SearchResult {
  edges: Int32Array;
  hops: Uint8Array;
  truncated: boolean;
  /** Per wallet: index of its latest improvement record, or -1. */
  /** Latest record of each reached wallet (absent: never reached). */
  head: Map<number, number>;
  recLevel: number[];
  recValue: number[];
  recPrev: number[];
}

export { lowerBound };

/**
 * Layered time-respecting search (a hop-bounded earliest-arrival / latest-departure sweep).
 *
 * Invariant per level h: `best_h(w)` is the best bound over all time-respecting walks of at most h hops from
 * a start through followable wallets. An edge u→v at seq s is found at hop h+1 iff `best_h(u) < s` (forward;
 * `> s` backward) and it passes the window; since `best_h(u)` only improves with h, each wallet's adjacency
 * is scanned once per improvement and only over the newly opened seq range.
 */
export function search(model: TraceModel, p: SearchParams): SearchResult {
  const forward = p.direction === "forward";
  const start = forward ? model.outStart : model.inStart;
  const list = forward ? model.outSeq : model.inSeq;
  const other = forward ? model.to : model.from;
  const amountLo = model.amountLo;
  const amountHi = model.amountHi;
  const kind = model.kind;
  const ordinaryOnly = p.ordinaryOnly === true;
  const { lo, hi, minAmount, maxAmount } = p.window;
  const wallets = model.address.length;
  const none = forward ? Infinity : -Infinity;
  // Wallet-sized scratch arrays are reused between searches (reset where this one wrote), so a query costs what it
  // touches, not the number of wallets (2,000,000 at national scale).
  const scratch = takeScratch(forward, wallets);
  const { best, scanned, cand, isStart } = scratch;
  const dirty: number[] = [];
  const head = new Map<number, number>();
  const recLevel: number[] = [];
  const recValue: number[] = [];
  const recPrev: number[] = [];
  const record = (w: number, level: number, value: number): void => {
    recLevel.push(level);
    recValue.push(value);
    recPrev.push(head.get(w) ?? -1);
    head.set(w, recLevel.length - 1);
  };
  // On an exception the scratch is dropped (its `cand` may hold marks), not returned.
  const result = run();
  for (const w of dirty) {
    best[w] = none;
    scanned[w] = none;
    isStart[w] = 0;
  }
  scratches[forward ? 0 : 1].push(scratch);
  return result;

  function run(): SearchResult {
  let frontier: number[] = [];
  for (const w of p.exempt ?? []) {
    isStart[w] = 1;
    dirty.push(w);
  }
  for (const s of p.starts) {
    isStart[s.wallet] = 1;
    dirty.push(s.wallet);
    if (forward ? s.bound < best[s.wallet]! : s.bound > best[s.wallet]!) {
      if (best[s.wallet] === none) frontier.push(s.wallet);
      best[s.wallet] = s.bound;
    }
  }
  for (const w of frontier) record(w, 0, best[w]!);

  const edges: number[] = [];
  const hops: number[] = [];
  const cap = p.maxEdges ?? Infinity;
  let truncated = false;
  const touched: number[] = [];

  for (let hop = 1; hop <= p.hops && frontier.length > 0; hop++) {
    const probing = edges.length >= cap; // only asking whether anything more exists
    const levelStart = edges.length;
    scan: for (const u of frontier) {
      const b = best[u]!;
      const sc = scanned[u]!;
      scanned[u] = b;
      // Newly opened seq range: forward (b, sc), backward (sc, b); intersected with [lo, hi).
      const x = forward ? Math.max(b + 1, lo) : Math.max(sc + 1, lo);
      const y = forward ? Math.min(sc - 1, hi - 1) : Math.min(b - 1, hi - 1);
      if (x > y) continue;
      const end = start[u + 1]!;
      const i0 = lowerBound(list, start[u]!, end, x);
      const i1 = lowerBound(list, i0, end, y + 1);
      for (let i = i0; i < i1; i++) {
        const s = list[i]!;
        if (minAmount !== undefined && amountOf(model, s) < minAmount) continue;
        if (maxAmount !== undefined && amountOf(model, s) > maxAmount) continue;
        if (ordinaryOnly && kind[s] !== 0) continue;
        if (probing) {
          truncated = true;
          break scan;
        }
        edges.push(s);
        hops.push(hop);
        if (amountLo[s] === 0 && amountHi[s] === 0) continue; // zero-value: listed, carries nothing, not followed (rule Z1)
        const v = other[s]!;
        const c = cand[v]!;
        if (c === none) touched.push(v);
        if (forward ? s < c : s > c) cand[v] = s;
      }
    }
    if (probing) break;
    const next: number[] = [];
    for (const v of touched) {
      const c = cand[v]!;
      cand[v] = none;
      if (forward ? c < best[v]! : c > best[v]!) {
        if (best[v] === none) dirty.push(v);
        best[v] = c;
        record(v, hop, c);
        const followable = v !== 0 && (isStart[v] === 1 || degree(model, v, lo, hi) <= p.hubDegree) && (p.follow === undefined || p.follow(v, hop, c));
        if (followable) next.push(v);
      }
    }
    touched.length = 0;
    frontier = next;
    if (edges.length > cap) {
      // Keep the earliest edges of the last level; the cap cuts by (hop, seq).
      const level = edges.slice(levelStart).sort((a, b) => a - b);
      edges.length = levelStart;
      for (let i = 0; i < cap - levelStart; i++) edges.push(level[i]!);
      hops.length = edges.length;
      truncated = true;
      break;
    }
  }
  // Sort each level by seq (levels are already in hop order).
  const outEdges = Int32Array.from(edges);
  const outHops = Uint8Array.from(hops);
  let i = 0;
  while (i < outEdges.length) {
    let j = i;
    while (j < outEdges.length && outHops[j] === outHops[i]) j++;
    outEdges.subarray(i, j).sort();
    i = j;
  }
  return { edges: outEdges, hops: outHops, truncated, head, recLevel, recValue, recPrev };
  }
}

interface Scratch {
  best: Float64Array;
  scanned: Float64Array;
  cand: Float64Array;
  isStart: Uint8Array;
}

/** Free scratch arrays, forward ([0], filled with +Infinity) and backward ([1], -Infinity). */
const scratches: [Scratch[], Scratch[]] = [[], []];

function takeScratch(forward: boolean, wallets: number): Scratch {
  const free = scratches[forward ? 0 : 1];
  let s = free.pop();
  while (s !== undefined && s.best.length < wallets) s = free.pop(); // too small for this model: dropped
  if (s !== undefined) return s;
  const n = Math.ceil(wallets * 1.25) + 64;
  const none = forward ? Infinity : -Infinity;
  return { best: new Float64Array(n).fill(none), scanned: new Float64Array(n).fill(none), cand: new Float64Array(n).fill(none), isStart: new Uint8Array(n) };
}

/**
 * The bound wallet `w` had reached within `level` hops, or ±Infinity when it was not reached.
 */
export function bestAt(r: SearchResult, w: number, level: number, direction: Direction): number {
  for (let k = (r.head.get(w) ?? -1); k >= 0; k = r.recPrev[k]!) {
    if (r.recLevel[k]! <= level) return r.recValue[k]!;
  }
  return direction === "forward" ? Infinity : -Infinity;
}

/**
 * The smallest level at which wallet `w`'s bound passes seq `s` (forward: bound < s; backward: bound > s),
 * or Infinity when no level does.
 */
export function firstLevel(r: SearchResult, w: number, s: number, direction: Direction): number {
  let level = Infinity;
  // Records run from the latest (best) to the earliest level; bounds only improve with the level.
  for (let k = (r.head.get(w) ?? -1); k >= 0; k = r.recPrev[k]!) {
    const v = r.recValue[k]!;
    if (direction === "forward" ? v < s : v > s) level = r.recLevel[k]!;
    else break;
  }
  return level;
}
