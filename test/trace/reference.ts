/**
 * Brute-force reference implementations of the trace queries, written from the definitions and sharing no
 * code with src/trace: they walk plain arrays of transfers (no adjacency, no sweeps), enumerate walks by
 * depth-first search, and simulate provenance and taint unit by unit or with exact fractions.
 */
import type { Address, LedgerEventRow, TransferRow } from "../../src/indexer/types.js";
import { ZERO_ADDRESS } from "../../src/indexer/types.js";
import type { AlertRules } from "../../src/trace/alerts.js";
import type { WindowOptions } from "../../src/trace/options.js";

/** Window of a reference query (inclusive bounds): the engine's own option type. */
export type RefWindow = WindowOptions;

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
    if (e.checkpoint >= checkpoint) continue;
    if (e.name === "WalletRecovered" && e.args.replacement === wallet) {
      // The replacement takes over the lost wallet's status as it was just before its closure.
      const before = events.filter((x) => x.checkpoint < e.checkpoint && !(x.name === "WalletClosed" && x.txHash === e.txHash));
      status = refState(before, e.args.lost as Address, e.checkpoint).status;
      continue;
    }
    if (e.args.account !== wallet) continue;
    if (e.name === "WalletRegistered" || e.name === "WalletUnfrozen") status = "active";
    else if (e.name === "WalletFrozen") status = "frozen";
    else if (e.name === "WalletClosed") status = "closed";
    else if (e.name === "WalletDenylisted") denylisted = true;
    else if (e.name === "WalletDenylistCleared") denylisted = false;
  }
  return { status, denylisted };
}

/** An exact non-negative fraction. */
class Frac {
  constructor(readonly n: bigint, readonly d: bigint) {}
  static of(n: bigint): Frac {
    return new Frac(n, 1n);
  }
  add(o: Frac): Frac {
    return new Frac(this.n * o.d + o.n * this.d, this.d * o.d).norm();
  }
  sub(o: Frac): Frac {
    return new Frac(this.n * o.d - o.n * this.d, this.d * o.d).norm();
  }
  mul(o: Frac): Frac {
    return new Frac(this.n * o.n, this.d * o.d).norm();
  }
  div(o: Frac): Frac {
    return new Frac(this.n * o.d, this.d * o.n).norm();
  }
  min(o: Frac): Frac {
    return this.n * o.d <= o.n * this.d ? this : o;
  }
  get zero(): boolean {
    return this.n === 0n;
  }
  norm(): Frac {
    const g = gcd(this.n < 0n ? -this.n : this.n, this.d);
    return g > 1n ? new Frac(this.n / g, this.d / g) : this;
  }
  toNumber(): number {
    return Number(this.n) / Number(this.d);
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** FIFO lot provenance by moving labelled units one by one: lot → units held by `wallet` after the history. */
export function refProvenanceFifo(transfers: readonly TransferRow[], wallet: Address): Map<string | null, bigint> {
  const units = new Map<Address, (string | null)[]>();
  const held = (w: Address) => units.get(w) ?? (units.set(w, []), units.get(w)!);
  for (const t of transfers) {
    let moving: (string | null)[];
    if (t.from === ZERO_ADDRESS) moving = Array.from({ length: Number(t.amount) }, () => (t.kind === "issue" ? t.lot : null));
    else {
      const q = held(t.from);
      moving = [];
      let need = Number(t.amount);
      if (t.kind === "redeem") {
        for (let i = 0; i < q.length && need > 0; ) {
          if (q[i] === t.lot) {
            moving.push(q.splice(i, 1)[0]!);
            need--;
          } else i++;
        }
      }
      moving.push(...q.splice(0, need));
    }
    if (t.to !== ZERO_ADDRESS) held(t.to).push(...moving);
  }
  const out = new Map<string | null, bigint>();
  for (const lot of held(wallet)) out.set(lot, (out.get(lot) ?? 0n) + 1n);
  return out;
}

/** Haircut lot provenance with exact fractions: lot → share of `wallet`'s balance after the history. */
export function refProvenanceHaircut(transfers: readonly TransferRow[], wallet: Address): Map<string | null, number> {
  const vec = new Map<Address, Map<string | null, Frac>>();
  const of = (w: Address) => vec.get(w) ?? (vec.set(w, new Map()), vec.get(w)!);
  for (const t of transfers) {
    const moving = new Map<string | null, Frac>();
    if (t.from === ZERO_ADDRESS) moving.set(t.kind === "issue" ? t.lot : null, Frac.of(t.amount));
    else {
      const v = of(t.from);
      let need = Frac.of(t.amount);
      if (t.kind === "redeem" && v.has(t.lot)) {
        const take = v.get(t.lot)!.min(need);
        v.set(t.lot, v.get(t.lot)!.sub(take));
        need = need.sub(take);
        moving.set(t.lot, take);
      }
      let total = Frac.of(0n);
      for (const x of v.values()) total = total.add(x);
      if (!need.zero && !total.zero) {
        const share = need.div(total);
        for (const [lot, x] of v) {
          const take = x.mul(share);
          v.set(lot, x.sub(take));
          moving.set(lot, (moving.get(lot) ?? Frac.of(0n)).add(take));
        }
      }
    }
    if (t.to !== ZERO_ADDRESS) {
      const r = of(t.to);
      for (const [lot, x] of moving) r.set(lot, (r.get(lot) ?? Frac.of(0n)).add(x));
    }
  }
  const v = of(wallet);
  let total = Frac.of(0n);
  for (const x of v.values()) total = total.add(x);
  const out = new Map<string | null, number>();
  if (total.zero) return out;
  for (const [lot, x] of v) if (!x.zero) out.set(lot, x.div(total).toNumber());
  return out;
}

/** Exposure by hop count and by source: hops → amount, source → [amount, minHops]. */
export interface RefExposure {
  byHops: Map<number, number>;
  bySource: Map<Address, [number, number]>;
}

/** Tainted amounts by source and hop count (amounts at or below `noise` dropped) → {@link RefExposure}. */
function summarize(byLabel: Map<Address, Map<number, number>>, noise: number): RefExposure {
  const out: RefExposure = { byHops: new Map(), bySource: new Map() };
  for (const [source, hops] of byLabel) {
    for (const [h, amount] of hops) {
      if (amount <= noise) continue;
      out.byHops.set(h, (out.byHops.get(h) ?? 0) + amount);
      const e = out.bySource.get(source) ?? [0, h];
      out.bySource.set(source, [e[0] + amount, Math.min(e[1], h)]);
    }
  }
  return out;
}

/**
 * Poison exposure from the walk definition: an inflow t of `wallet` is tainted by source S at h hops iff some
 * time-respecting walk of h transfers leaves S and ends with t (found by walking backwards from t).
 */
export function refExposurePoison(transfers: readonly TransferRow[], wallet: Address, sources: ReadonlySet<Address>): RefExposure {
  const byHops = new Map<number, number>();
  const bySource = new Map<Address, [number, number]>();
  transfers.forEach((t, i) => {
    if (t.to !== wallet) return;
    const reach = new Map<Address, number>();
    const best = new Map<string, number>();
    const back = (w: Address, before: number, depth: number): void => {
      if (w === ZERO_ADDRESS) return;
      const key = `${w}|${before}`;
      if (best.has(key) && best.get(key)! <= depth) return;
      best.set(key, depth);
      if (sources.has(w)) reach.set(w, Math.min(reach.get(w) ?? Infinity, depth));
      transfers.forEach((u, j) => {
        if (j < before && u.to === w) back(u.from, j, depth + 1);
      });
    };
    back(t.from, i, 1);
    if (reach.size === 0) return;
    const a = Number(t.amount);
    const hops = Math.min(...reach.values());
    byHops.set(hops, (byHops.get(hops) ?? 0) + a);
    for (const [s, h] of reach) {
      const e = bySource.get(s) ?? [0, h];
      bySource.set(s, [e[0] + a, Math.min(e[1], h)]);
    }
  });
  return { byHops, bySource };
}

type Label = string; // "clean" or `${source}|${hops}`

function recordTaint(out: Map<Address, Map<number, number>>, label: Label, amount: number): void {
  if (label === "clean") return;
  const [source, h] = label.split("|") as [Address, string];
  const hops = out.get(source) ?? (out.set(source, new Map()), out.get(source)!);
  hops.set(Number(h), (hops.get(Number(h)) ?? 0) + amount);
}

const further = (label: Label): Label => {
  if (label === "clean") return label;
  const [s, h] = label.split("|");
  return `${s}|${Number(h) + 1}`;
};

/** FIFO exposure by moving labelled units one by one. */
export function refExposureFifo(transfers: readonly TransferRow[], wallet: Address, sources: ReadonlySet<Address>): RefExposure {
  const out = new Map<Address, Map<number, number>>();
  const units = new Map<Address, Label[]>();
  const held = (w: Address) => units.get(w) ?? (units.set(w, []), units.get(w)!);
  for (const t of transfers) {
    const n = Number(t.amount);
    let moving: Label[];
    if (t.from === ZERO_ADDRESS) moving = Array.from({ length: n }, () => "clean");
    else {
      const taken = held(t.from).splice(0, n);
      while (taken.length < n) taken.push("clean");
      moving = sources.has(t.from) ? taken.map(() => `${t.from}|1`) : taken.map(further);
    }
    if (t.to !== ZERO_ADDRESS) held(t.to).push(...moving);
    if (t.to === wallet) for (const l of moving) recordTaint(out, l, 1);
  }
  return summarize(out, 0);
}

/** Haircut exposure with exact fractions. */
export function refExposureHaircut(transfers: readonly TransferRow[], wallet: Address, sources: ReadonlySet<Address>): RefExposure {
  const out = new Map<Address, Map<number, number>>();
  const vec = new Map<Address, Map<Label, Frac>>();
  const of = (w: Address) => vec.get(w) ?? (vec.set(w, new Map()), vec.get(w)!);
  for (const t of transfers) {
    const moving = new Map<Label, Frac>();
    if (t.from === ZERO_ADDRESS) moving.set("clean", Frac.of(t.amount));
    else {
      const v = of(t.from);
      let total = Frac.of(0n);
      for (const x of v.values()) total = total.add(x);
      const share = total.zero ? Frac.of(0n) : Frac.of(t.amount).div(total);
      for (const [l, x] of v) {
        const take = x.mul(share);
        v.set(l, x.sub(take));
        const label = sources.has(t.from) ? `${t.from}|1` : further(l);
        moving.set(label, (moving.get(label) ?? Frac.of(0n)).add(take));
      }
    }
    if (t.to !== ZERO_ADDRESS) {
      const r = of(t.to);
      for (const [l, x] of moving) r.set(l, (r.get(l) ?? Frac.of(0n)).add(x));
    }
    if (t.to === wallet) for (const [l, x] of moving) recordTaint(out, l, x.toNumber());
  }
  return summarize(out, 1e-6);
}

/** An alert as the reference sees it: type, wallet, index of the completing transfer, indexes of the evidence. */
export interface RefAlert {
  type: string;
  wallet: Address;
  at: number;
  evidence: number[];
}

/** The alert thresholds: the engine's own type (the reference restates the rules, not their shape). */
export type RefRules = AlertRules;

/** Tier limit of `wallet` at transfer index `i`, by replaying registry events (null if none or unlimited). */
function refLimit(events: readonly LedgerEventRow[], wallet: Address, checkpoint: string): bigint | null {
  let tier: number | null = null;
  const limits = new Map<number, bigint>();
  for (const e of events) {
    if (e.checkpoint >= checkpoint) break;
    if ((e.name === "WalletRegistered" || e.name === "WalletUpdated") && e.args.account === wallet) tier = Number(e.args.tier);
    if (e.name === "WalletRecovered" && e.args.replacement === wallet) {
      for (const x of events) if (x.checkpoint < e.checkpoint && (x.name === "WalletRegistered" || x.name === "WalletUpdated") && x.args.account === e.args.lost) tier = Number(x.args.tier);
    }
    if (e.name === "TierLimitsSet") limits.set(Number(e.args.tier), BigInt(e.args.maxTransfer as string));
  }
  if (tier === null || !limits.has(tier)) return null;
  const l = limits.get(tier)!;
  return l === 0n || l >= 2n ** 64n - 1n ? null : l;
}

/** Every alert by the definitions, over plain arrays. */
export function refAlerts(transfers: readonly TransferRow[], events: readonly LedgerEventRow[], rules: RefRules): RefAlert[] {
  const out: RefAlert[] = [];
  const wallets = [...new Set(transfers.flatMap((t) => [t.from, t.to]))].filter((w) => w !== ZERO_ADDRESS);
  const idx = transfers.map((_, i) => i);
  const greedy = (list: number[], window: number, ok: (g: number[]) => boolean, emit: (g: number[]) => void) => {
    for (let i = 0; i < list.length; ) {
      const g = list.filter((j, k) => k >= i && transfers[j]!.timestamp - transfers[list[i]!]!.timestamp <= window);
      if (ok(g)) {
        emit(g);
        i += g.length;
      } else i++;
    }
  };
  for (const w of wallets) {
    const sent = idx.filter((i) => transfers[i]!.from === w && transfers[i]!.kind === "transfer");
    const received = idx.filter((i) => transfers[i]!.to === w && transfers[i]!.kind === "transfer");
    const s = rules.structuring;
    const near = sent.filter((i) => {
      const limit = refLimit(events, w, transfers[i]!.checkpoint);
      const a = transfers[i]!.amount;
      return limit !== null && Number(a) >= (1 - s.margin) * Number(limit) && a <= limit;
    });
    greedy(near, s.windowSeconds, (g) => g.length >= s.minCount, (g) => out.push({ type: "structuring", wallet: w, at: g.at(-1)!, evidence: g }));
    const f = rules.fanIn;
    greedy(received, f.windowSeconds, (g) => new Set(g.map((i) => transfers[i]!.from)).size >= f.minSenders, (g) => out.push({ type: "fan-in", wallet: w, at: g.at(-1)!, evidence: g }));
    const v = rules.velocity;
    const day = (i: number) => Math.floor(transfers[i]!.timestamp / 86_400);
    if (sent.length > 0) {
      const first = Math.min(...[...sent, ...received].map(day));
      for (const d of [...new Set(sent.map(day))]) {
        if (first > d - v.lookbackDays) continue;
        const today = sent.filter((i) => day(i) === d);
        const sum = (l: number[]) => l.reduce((x, i) => x + transfers[i]!.amount, 0n);
        const mean = Number(sum(sent.filter((i) => day(i) >= d - v.lookbackDays && day(i) < d))) / v.lookbackDays;
        if (sum(today) >= v.minAmount && Number(sum(today)) >= v.factor * mean) out.push({ type: "velocity", wallet: w, at: today.at(-1)!, evidence: today });
      }
    }
    const p = rules.passThrough;
    let resume = -1;
    for (const i of received) {
      if (i <= resume) continue;
      const ev: number[] = [];
      let total = 0;
      for (const o of sent) {
        if (o <= i || transfers[o]!.timestamp - transfers[i]!.timestamp > p.windowSeconds || total >= p.ratio * Number(transfers[i]!.amount)) continue;
        ev.push(o);
        total += Number(transfers[o]!.amount);
      }
      if (ev.length > 0 && total >= p.ratio * Number(transfers[i]!.amount)) {
        out.push({ type: "pass-through", wallet: w, at: ev.at(-1)!, evidence: [i, ...ev] });
        resume = ev.at(-1)!;
      }
    }
    const r = rules.roundTrip;
    resume = -1;
    for (const e of sent) {
      const b = transfers[e]!.to;
      if (e <= resume || b === w || b === ZERO_ADDRESS) continue;
      const deadline = transfers[e]!.timestamp + r.windowSeconds;
      let back = Infinity;
      const walk = (x: Address, after: number, depth: number): void => {
        transfers.forEach((t, i) => {
          if (t.from !== x || i <= after || t.timestamp > deadline) return;
          if (t.to === w) back = Math.min(back, i);
          if (depth + 1 < r.hops - 1 && t.to !== ZERO_ADDRESS) walk(t.to, i, depth + 1);
        });
      };
      walk(b, e, 0);
      if (back !== Infinity) {
        out.push({ type: "round-trip", wallet: w, at: back, evidence: [e, back] });
        resume = back;
      }
    }
  }
  return out;
}
