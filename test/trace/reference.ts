/**
 * Brute-force reference implementations of the trace queries, written from the definitions and sharing no
 * code with src/trace: they walk plain arrays of transfers (no adjacency, no sweeps), enumerate walks by
 * depth-first search, and simulate provenance and taint unit by unit or with exact fractions.
 */
import type { Address, LedgerEventRow, TransferRow } from "../../src/indexer/types.js";
import { ZERO_ADDRESS } from "../../src/indexer/types.js";

/** Window of a reference query (inclusive bounds). */
export interface RefWindow {
  fromBlock?: number;
  toBlock?: number;
  fromTime?: number;
  toTime?: number;
  minAmount?: bigint;
  maxAmount?: bigint;
}

export function passes(t: TransferRow, w: RefWindow): boolean {
  return (w.fromBlock === undefined || t.block >= w.fromBlock) && (w.toBlock === undefined || t.block <= w.toBlock)
    && (w.fromTime === undefined || t.timestamp >= w.fromTime) && (w.toTime === undefined || t.timestamp <= w.toTime)
    && (w.minAmount === undefined || t.amount >= w.minAmount) && (w.maxAmount === undefined || t.amount <= w.maxAmount);
}

function degreeOf(transfers: readonly TransferRow[], w: Address): number {
  let d = 0;
  for (const t of transfers) {
    if (t.from === w) d++;
    if (t.to === w) d++;
  }
  return d;
}

/** Edges as [index in `transfers`, hop], sorted by (hop, index). */
export type RefEdges = [number, number][];

function sortEdges(minHop: Map<number, number>): RefEdges {
  return [...minHop].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
}

/**
 * Every transfer on a time-respecting walk of at most k transfers from (or, backward, into) the start, at its
 * smallest hop, by enumerating the walks.
 */
export function refTrace(
  transfers: readonly TransferRow[],
  direction: "forward" | "backward",
  start: { wallet: Address } | { index: number },
  k: number,
  window: RefWindow,
  hubDegree: number,
): RefEdges {
  const forward = direction === "forward";
  const minHop = new Map<number, number>();
  const record = (i: number, hop: number) => {
    if (!minHop.has(i) || minHop.get(i)! > hop) minHop.set(i, hop);
  };
  let origin: Address;
  let bound: number;
  if ("wallet" in start) {
    origin = start.wallet;
    bound = forward ? -1 : transfers.length;
  } else {
    const t = transfers[start.index]!;
    record(start.index, 0);
    origin = forward ? t.to : t.from;
    bound = start.index;
  }
  const followable = (w: Address) => w !== ZERO_ADDRESS && (w === origin || degreeOf(transfers, w) <= hubDegree);
  const seen = new Map<string, number>();
  const walk = (w: Address, at: number, depth: number): void => {
    const key = `${w}|${at}`;
    if (seen.has(key) && seen.get(key)! <= depth) return;
    seen.set(key, depth);
    transfers.forEach((t, i) => {
      const ok = forward ? t.from === w && i > at : t.to === w && i < at;
      if (!ok || !passes(t, window)) return;
      record(i, depth + 1);
      const next = forward ? t.to : t.from;
      if (depth + 1 < k && followable(next)) walk(next, i, depth + 1);
    });
  };
  walk(origin, bound, 0);
  return sortEdges(minHop);
}

/** Every transfer on a time-respecting walk from `a` to `b` of at most k transfers: [index, minPosition, minLength]. */
export function refPaths(
  transfers: readonly TransferRow[],
  a: Address,
  b: Address,
  k: number,
  window: RefWindow,
  hubDegree: number,
): [number, number, number][] {
  const pos = new Map<number, number>();
  const len = new Map<number, number>();
  const followable = (w: Address) => w !== ZERO_ADDRESS && (w === a || w === b || degreeOf(transfers, w) <= hubDegree);
  const walk = (w: Address, at: number, path: number[]): void => {
    transfers.forEach((t, i) => {
      if (t.from !== w || i <= at || !passes(t, window)) return;
      const next = [...path, i];
      if (t.to === b) {
        next.forEach((j, p) => {
          pos.set(j, Math.min(pos.get(j) ?? Infinity, p + 1));
          len.set(j, Math.min(len.get(j) ?? Infinity, next.length));
        });
      }
      if (next.length < k && followable(t.to)) walk(t.to, i, next);
    });
  };
  walk(a, -1, []);
  return [...pos].map(([i, p]): [number, number, number] => [i, p, len.get(i)!]).sort((x, y) => x[1] - y[1] || x[0] - y[0]);
}

/** A wallet's (status, denylisted) after every registry event strictly before `checkpoint`, by replay. */
export function refState(events: readonly LedgerEventRow[], wallet: Address, checkpoint: string): { status: string; denylisted: boolean } {
  let status = "unregistered";
  let denylisted = false;
  for (const e of events) {
    if (e.checkpoint >= checkpoint || e.args.account !== wallet) continue;
    if (e.name === "WalletRegistered" || e.name === "WalletUnfrozen") status = "active";
    else if (e.name === "WalletFrozen") status = "frozen";
    else if (e.name === "WalletClosed") status = "closed";
    else if (e.name === "WalletDenylisted") denylisted = true;
    else if (e.name === "WalletDenylistCleared") denylisted = false;
  }
  return { status, denylisted };
}
