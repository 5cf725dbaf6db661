/**
 * Brute-force reference implementations of the trace queries, written from docs/TRACE.md (goods-ledger-trace/2)
 * as simply as possible and sharing no code with src/trace or src/indexer/checkpoint: they walk plain arrays of
 * transfers in history order (no adjacency, no sweeps, no checkpoint helpers), enumerate walks by depth-first
 * search, move labelled runs of units one by one (FIFO) and exact fractions (haircut), and check the alert
 * definitions transfer by transfer. Amounts are bigint throughout.
 */
import type { Address, LedgerEventRow, TransferRow } from "../../src/indexer/types.js";

const ZERO = "0x0000000000000000000000000000000000000000" as Address;

/** Window of a reference query (inclusive bounds). */
export interface RefWindow {
  fromBlock?: number;
  toBlock?: number;
  fromTime?: number;
  toTime?: number;
  minAmount?: bigint;
  maxAmount?: bigint;
}

/** Whether a transfer lies in the block and time window (not the amounts). */
function inBlockTime(t: TransferRow, w: RefWindow): boolean {
  return (w.fromBlock === undefined || t.block >= w.fromBlock) && (w.toBlock === undefined || t.block <= w.toBlock)
    && (w.fromTime === undefined || t.timestamp >= w.fromTime) && (w.toTime === undefined || t.timestamp <= w.toTime);
}

/** Whether a transfer passes the whole window. */
export function passes(t: TransferRow, w: RefWindow): boolean {
  return inBlockTime(t, w) && (w.minAmount === undefined || t.amount >= w.minAmount) && (w.maxAmount === undefined || t.amount <= w.maxAmount);
}

/** S1, Z1: a transfer carries value only if its amount is not zero and it goes to another wallet. */
export function carries(t: TransferRow): boolean {
  return t.amount > 0n && t.from !== t.to;
}

/** A1: an ordinary transfer counts toward alerts. */
function ordinary(t: TransferRow): boolean {
  return t.kind === "transfer" && carries(t);
}

/** H1: transfers touching w within the window's blocks and times, self-transfers excluded. */
function degreeIn(transfers: readonly TransferRow[], w: Address, window: RefWindow): number {
  let d = 0;
  for (const t of transfers) {
    if (t.from === t.to || !inBlockTime(t, window)) continue;
    if (t.from === w) d++;
    if (t.to === w) d++;
  }
  return d;
}

/** Edges as [index in `transfers`, hop], sorted by (hop, index). */
export type RefEdges = [number, number][];

/**
 * Every transfer on a time-respecting walk of at most k transfers from (or, backward, into) the start, at its
 * smallest hop, by enumerating the walks (R0, S1, Z1, H1, P2).
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
    record(start.index, 0); // P2: always listed
    if (!carries(t)) return [...minHop].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    origin = forward ? t.to : t.from;
    bound = start.index;
  }
  const followable = (w: Address) => w !== ZERO && (w === origin || degreeIn(transfers, w, window) <= hubDegree);
  const seen = new Map<string, number>();
  const walk = (w: Address, at: number, depth: number): void => {
    const key = `${w}|${at}`;
    if (seen.has(key) && seen.get(key)! <= depth) return;
    seen.set(key, depth);
    transfers.forEach((t, i) => {
      if (t.from === t.to) return; // S1: not a hop
      const ok = forward ? t.from === w && i > at : t.to === w && i < at;
      if (!ok || !passes(t, window)) return;
      record(i, depth + 1); // Z1: a zero-value transfer is listed…
      if (t.amount === 0n) return; // …and not followed
      const next = forward ? t.to : t.from;
      if (depth + 1 < k && followable(next)) walk(next, i, depth + 1);
    });
  };
  walk(origin, bound, 0);
  return [...minHop].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
}

/** Every transfer on a time-respecting walk from `a` to `b` of at most k transfers, ending at its first arrival at b (P1): [index, minPosition, minLength]. */
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
  const followable = (w: Address) => w !== ZERO && (w === a || degreeIn(transfers, w, window) <= hubDegree);
  const walk = (w: Address, at: number, path: number[]): void => {
    transfers.forEach((t, i) => {
      if (t.from !== w || i <= at || !carries(t) || !passes(t, window)) return;
      const next = [...path, i];
      if (t.to === b) {
        next.forEach((j, p) => {
          pos.set(j, Math.min(pos.get(j) ?? Infinity, p + 1));
          len.set(j, Math.min(len.get(j) ?? Infinity, next.length));
        });
        return; // P1: the path ends here
      }
      if (next.length < k && followable(t.to)) walk(t.to, i, next);
    });
  };
  walk(a, -1, []);
  return [...pos].map(([i, p]): [number, number, number] => [i, p, len.get(i)!]).sort((x, y) => x[1] - y[1] || x[0] - y[0]);
}

/** A wallet's registry record as the reference replays it. */
export interface RefRecord {
  status: string;
  denylisted: boolean;
  tier: number;
  kycExpiryDay: number;
}

/** A wallet's record after the registry events for which `include` holds, replayed in order. */
export function refRecord(events: readonly LedgerEventRow[], wallet: Address, include: (e: LedgerEventRow) => boolean): RefRecord {
  let r: RefRecord = { status: "unregistered", denylisted: false, tier: 0, kycExpiryDay: 0 };
  events.forEach((e, i) => {
    if (!include(e)) return;
    if (e.name === "WalletRecovered" && e.args.replacement === wallet) {
      // The replacement takes over the lost wallet's record as it was just before its closure; its own
      // denylist flag stays.
      const lost = refRecord(events.slice(0, i), e.args.lost as Address, (x) => include(x) && !(x.name === "WalletClosed" && x.txHash === e.txHash));
      r = { ...lost, denylisted: r.denylisted };
      return;
    }
    if (e.args.account !== wallet) return;
    if (e.name === "WalletRegistered") r = { ...r, status: "active", tier: Number(e.args.tier), kycExpiryDay: Number(e.args.kycExpiryDay) };
    else if (e.name === "WalletUpdated") r = { ...r, tier: Number(e.args.tier), kycExpiryDay: Number(e.args.kycExpiryDay) };
    else if (e.name === "WalletUnfrozen") r = { ...r, status: "active" };
    else if (e.name === "WalletFrozen") r = { ...r, status: "frozen" };
    else if (e.name === "WalletClosed") r = { ...r, status: "closed" };
    else if (e.name === "WalletDenylisted") r = { ...r, denylisted: true };
    else if (e.name === "WalletDenylistCleared") r = { ...r, denylisted: false };
  });
  return r;
}

/** Whether event e comes before transfer (or event) x in history order: block, then transaction, then log. */
export function before(e: { block: number; txIndex: number; logIndex: number }, x: { block: number; txIndex: number; logIndex: number }): boolean {
  return e.block !== x.block ? e.block < x.block : e.txIndex !== x.txIndex ? e.txIndex < x.txIndex : e.logIndex < x.logIndex;
}

/** A wallet's (status, denylisted) just before a transfer (every registry event before it, none after). */
export function refState(events: readonly LedgerEventRow[], wallet: Address, at: { block: number; txIndex: number; logIndex: number }): { status: string; denylisted: boolean } {
  const r = refRecord(events, wallet, (e) => before(e, at));
  return { status: r.status, denylisted: r.denylisted };
}

/** A wallet's (status, denylisted) at the end of a block. */
export function refStateAtBlock(events: readonly LedgerEventRow[], wallet: Address, block: number): { status: string; denylisted: boolean } {
  const r = refRecord(events, wallet, (e) => e.block <= block);
  return { status: r.status, denylisted: r.denylisted };
}

/** An exact non-negative fraction. */
export class Frac {
  readonly n: bigint;
  readonly d: bigint;
  constructor(n: bigint, d = 1n) {
    const g = gcd(n < 0n ? -n : n, d);
    this.n = g > 1n ? n / g : n;
    this.d = g > 1n ? d / g : d;
  }
  add(o: Frac): Frac {
    return new Frac(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  sub(o: Frac): Frac {
    return new Frac(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  mul(o: Frac): Frac {
    return new Frac(this.n * o.n, this.d * o.d);
  }
  div(o: Frac): Frac {
    return new Frac(this.n * o.d, this.d * o.n);
  }
  lessThan(o: Frac): boolean {
    return this.n * o.d < o.n * this.d;
  }
  get zero(): boolean {
    return this.n === 0n;
  }
  toString(): string {
    return this.d === 1n ? `${this.n}` : `${this.n}/${this.d}`;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

const ZERO_FRAC = new Frac(0n);

/** FIFO lot provenance by moving labelled runs of units: lot → units held by `wallet` after the history. */
export function refProvenanceFifo(transfers: readonly TransferRow[], wallet: Address): Map<string | null, bigint> {
  const runs = new Map<Address, [string | null, bigint][]>();
  const held = (w: Address) => runs.get(w) ?? (runs.set(w, []), runs.get(w)!);
  for (const t of transfers) {
    if (!carries(t)) continue;
    const moving: [string | null, bigint][] = [];
    if (t.from === ZERO) moving.push([t.kind === "issue" ? t.lot : null, t.amount]);
    else {
      const q = held(t.from);
      let need = t.amount;
      const take = (pick: (lot: string | null) => boolean) => {
        for (const run of q) {
          if (need === 0n) break;
          if (!pick(run[0]) || run[1] === 0n) continue;
          const n = run[1] < need ? run[1] : need;
          run[1] -= n;
          need -= n;
          moving.push([run[0], n]);
        }
      };
      if (t.kind === "redeem") take((lot) => lot === t.lot); // L3: the named lot first
      take(() => true);
      if (need > 0n) moving.push([null, need]);
      runs.set(t.from, q.filter((r) => r[1] > 0n));
    }
    if (t.to !== ZERO) held(t.to).push(...moving);
  }
  const out = new Map<string | null, bigint>();
  for (const [lot, n] of held(wallet)) out.set(lot, (out.get(lot) ?? 0n) + n);
  for (const [lot, n] of out) if (n === 0n) out.delete(lot);
  return out;
}

/**
 * X2: a haircut transfer of `a` units splits over the sender's holdings in proportion, in whole units: each
 * part weight × a / total rounded down, then one more unit each for the largest remainders, ties to the
 * earlier entry. Entries come in tie order. Everything leaves when a ≥ total.
 */
export function refSplit<K>(entries: readonly [K, bigint][], a: bigint): [K, bigint][] {
  const total = entries.reduce((x, [, w]) => x + w, 0n);
  if (a >= total) return entries.map(([k, w]) => [k, w]);
  const rows = entries.map(([k, w], i) => ({ k, i, part: (w * a) / total, rem: (w * a) % total }));
  let left = a - rows.reduce((x, r) => x + r.part, 0n);
  for (const r of [...rows].sort((x, y) => (x.rem === y.rem ? x.i - y.i : x.rem > y.rem ? -1 : 1))) {
    if (left === 0n || r.rem === 0n) break;
    r.part += 1n;
    left -= 1n;
  }
  return rows.map((r) => [r.k, r.part]);
}

/** Lot ids in tie order: value no issue explains (null) first, then by id. */
const byLotId = (x: string | null, y: string | null) => ((x ?? "") < (y ?? "") ? -1 : (x ?? "") > (y ?? "") ? 1 : 0);

/** Haircut lot provenance in whole units (L2, L3, X2): lot → units held by `wallet` after the history. */
export function refProvenanceHaircut(transfers: readonly TransferRow[], wallet: Address): Map<string | null, bigint> {
  const vec = new Map<Address, Map<string | null, bigint>>();
  const of = (w: Address) => vec.get(w) ?? (vec.set(w, new Map()), vec.get(w)!);
  for (const t of transfers) {
    if (!carries(t)) continue;
    const moving = new Map<string | null, bigint>();
    const put = (lot: string | null, x: bigint) => moving.set(lot, (moving.get(lot) ?? 0n) + x);
    if (t.from === ZERO) put(t.kind === "issue" ? t.lot : null, t.amount);
    else {
      const v = of(t.from);
      let need = t.amount;
      if (t.kind === "redeem" && v.has(t.lot)) {
        const have = v.get(t.lot)!;
        const take = have < need ? have : need;
        v.set(t.lot, have - take);
        need -= take;
        put(t.lot, take);
      }
      const held = [...v].filter(([, x]) => x > 0n).sort((x, y) => byLotId(x[0], y[0]));
      const total = held.reduce((x, [, w]) => x + w, 0n);
      for (const [lot, part] of refSplit(held, need)) {
        v.set(lot, v.get(lot)! - part);
        put(lot, part);
      }
      if (need > total) put(null, need - total);
    }
    if (t.to !== ZERO) {
      const r = of(t.to);
      for (const [lot, x] of moving) if (x > 0n) r.set(lot, (r.get(lot) ?? 0n) + x);
    }
  }
  const out = new Map<string | null, bigint>();
  for (const [lot, x] of of(wallet)) if (x > 0n) out.set(lot, x);
  return out;
}

/** Exact exposure by hop count and by source: hops → amount, source → [amount, minHops]. */
export interface RefExposure {
  byHops: Map<number, Frac>;
  bySource: Map<Address, [Frac, number]>;
}

/** A taint source: from which transfer index on its outflows are its taint (F1). */
export type RefSources = ReadonlyMap<Address, number>;

/**
 * Poison exposure from the walk definition (E2): an inflow t of `wallet` is tainted by source S at h hops iff
 * some time-respecting walk of h value-carrying transfers leaves S (at or after its flag) and ends with t.
 */
export function refExposurePoison(transfers: readonly TransferRow[], wallet: Address, sources: RefSources): RefExposure {
  const byHops = new Map<number, Frac>();
  const bySource = new Map<Address, [Frac, number]>();
  transfers.forEach((t, i) => {
    if (t.to !== wallet || !carries(t)) return;
    const reach = new Map<Address, number>();
    const best = new Map<string, number>();
    const back = (w: Address, leaving: number, depth: number): void => {
      if (w === ZERO) return;
      const key = `${w}|${leaving}`;
      if (best.has(key) && best.get(key)! <= depth) return;
      best.set(key, depth);
      if (sources.has(w) && leaving >= sources.get(w)!) reach.set(w, Math.min(reach.get(w) ?? Infinity, depth));
      transfers.forEach((u, j) => {
        if (j < leaving && u.to === w && carries(u)) back(u.from, j, depth + 1);
      });
    };
    back(t.from, i, 1);
    if (reach.size === 0) return;
    const a = new Frac(t.amount);
    const hops = Math.min(...reach.values());
    byHops.set(hops, (byHops.get(hops) ?? ZERO_FRAC).add(a));
    for (const [s, h] of reach) {
      const e = bySource.get(s) ?? [ZERO_FRAC, h];
      bySource.set(s, [e[0].add(a), Math.min(e[1], h)]);
    }
  });
  return { byHops, bySource };
}

type Label = string; // "clean" or `${source}|${hops}`

function recordTaint(out: RefExposure, label: Label, amount: Frac): void {
  if (label === "clean" || amount.zero) return;
  const [source, h] = label.split("|") as [Address, string];
  const hops = Number(h);
  out.byHops.set(hops, (out.byHops.get(hops) ?? ZERO_FRAC).add(amount));
  const e = out.bySource.get(source) ?? [ZERO_FRAC, hops];
  out.bySource.set(source, [e[0].add(amount), Math.min(e[1], hops)]);
}

const further = (label: Label): Label => {
  if (label === "clean") return label;
  const [s, h] = label.split("|");
  return `${s}|${Number(h) + 1}`;
};

/** FIFO exposure by moving labelled runs of units (E2). */
export function refExposureFifo(transfers: readonly TransferRow[], wallet: Address, sources: RefSources): RefExposure {
  const out: RefExposure = { byHops: new Map(), bySource: new Map() };
  const runs = new Map<Address, [Label, bigint][]>();
  const held = (w: Address) => runs.get(w) ?? (runs.set(w, []), runs.get(w)!);
  transfers.forEach((t, i) => {
    if (!carries(t)) return;
    let moving: [Label, bigint][] = [];
    if (t.from === ZERO) moving = [["clean", t.amount]];
    else {
      const q = held(t.from);
      let need = t.amount;
      for (const run of q) {
        if (need === 0n) break;
        const n = run[1] < need ? run[1] : need;
        run[1] -= n;
        need -= n;
        moving.push([further(run[0]), n]);
      }
      if (need > 0n) moving.push(["clean", need]);
      runs.set(t.from, q.filter((r) => r[1] > 0n));
      if (sources.has(t.from) && i >= sources.get(t.from)!) moving = [[`${t.from}|1`, t.amount]];
    }
    if (t.to !== ZERO) held(t.to).push(...moving);
    if (t.to === wallet) for (const [l, n] of moving) recordTaint(out, l, new Frac(n));
  });
  return out;
}

/** Haircut exposure in whole units (E2, X2): clean value first, then labels by source address and hops. */
export function refExposureHaircut(transfers: readonly TransferRow[], wallet: Address, sources: RefSources): RefExposure {
  const out: RefExposure = { byHops: new Map(), bySource: new Map() };
  const vec = new Map<Address, Map<Label, bigint>>();
  const of = (w: Address) => vec.get(w) ?? (vec.set(w, new Map()), vec.get(w)!);
  const tieOrder = (x: Label, y: Label) => {
    if (x === y) return 0;
    if (x === "clean") return -1;
    if (y === "clean") return 1;
    const [sx, hx] = x.split("|") as [string, string];
    const [sy, hy] = y.split("|") as [string, string];
    return sx < sy ? -1 : sx > sy ? 1 : Number(hx) - Number(hy);
  };
  transfers.forEach((t, i) => {
    if (!carries(t)) return;
    const moving = new Map<Label, bigint>();
    const put = (l: Label, x: bigint) => moving.set(l, (moving.get(l) ?? 0n) + x);
    if (t.from === ZERO) put("clean", t.amount);
    else {
      const v = of(t.from);
      const held = [...v].filter(([, x]) => x > 0n).sort((x, y) => tieOrder(x[0], y[0]));
      const total = held.reduce((x, [, w]) => x + w, 0n);
      for (const [l, part] of refSplit(held, t.amount)) {
        v.set(l, v.get(l)! - part);
        put(further(l), part);
      }
      if (t.amount > total) put("clean", t.amount - total);
      if (sources.has(t.from) && i >= sources.get(t.from)!) {
        moving.clear();
        put(`${t.from}|1`, t.amount);
      }
    }
    if (t.to !== ZERO) {
      const r = of(t.to);
      for (const [l, x] of moving) if (x > 0n) r.set(l, (r.get(l) ?? 0n) + x);
    }
    if (t.to === wallet) for (const [l, x] of moving) recordTaint(out, l, new Frac(x));
  });
  return out;
}

/** An alert as the reference sees it: type, wallet, index of the completing transfer, indexes of the evidence. */
export interface RefAlert {
  type: string;
  wallet: Address;
  at: number;
  evidence: number[];
}

/** The alert thresholds, restated. */
export interface RefRules {
  structuring: { windowSeconds: number; minCount: number; margin: number };
  velocity: { factor: number; lookbackDays: number; minAmount: bigint };
  fanIn: { windowSeconds: number; minSenders: number };
  roundTrip: { hops: number; windowSeconds: number };
  passThrough: { windowSeconds: number; ratio: number };
}

/** X4: a rule's number taken to nine decimals, as [numerator, 10^9]. */
const nine = (x: number): [bigint, bigint] => [BigInt(Math.round(x * 1e9)), 1_000_000_000n];

/** A wallet's single-transfer limit just before transfer t (null if unregistered, never set, 0 or unlimited). */
function refLimit(events: readonly LedgerEventRow[], wallet: Address, t: TransferRow): bigint | null {
  const r = refRecord(events, wallet, (e) => before(e, t));
  if (r.status === "unregistered") return null;
  let limit: bigint | null = null;
  for (const e of events) if (before(e, t) && e.name === "TierLimitsSet" && Number(e.args.tier) === r.tier) limit = BigInt(e.args.maxTransfer as string);
  return limit === null || limit === 0n || limit >= 2n ** 64n - 1n ? null : limit;
}

/** Rising edges of "the list's elements within `window` seconds up to j qualify" (AL1, AL2). */
function rising(transfers: readonly TransferRow[], list: number[], window: number, ok: (g: number[]) => boolean, emit: (g: number[]) => void): void {
  const groupAt = (j: number) => list.slice(0, j + 1).filter((i) => transfers[i]!.timestamp >= transfers[list[j]!]!.timestamp - window);
  list.forEach((_, j) => {
    const now = ok(groupAt(j));
    const prev = j > 0 && ok(groupAt(j - 1));
    if (now && !prev) emit(groupAt(j));
  });
}

/** Every alert by the definitions of docs/TRACE.md (AL1–AL5), over plain arrays. */
export function refAlerts(transfers: readonly TransferRow[], events: readonly LedgerEventRow[], rules: RefRules): RefAlert[] {
  const out: RefAlert[] = [];
  const wallets = [...new Set(transfers.flatMap((t) => [t.from, t.to]))].filter((w) => w !== ZERO);
  const idx = transfers.map((_, i) => i);
  const day = (i: number) => Math.floor(transfers[i]!.timestamp / 86_400);
  const sum = (l: number[]) => l.reduce((x, i) => x + transfers[i]!.amount, 0n);
  for (const w of wallets) {
    const sent = idx.filter((i) => transfers[i]!.from === w && ordinary(transfers[i]!));
    const received = idx.filter((i) => transfers[i]!.to === w && ordinary(transfers[i]!));

    // AL1 structuring
    const s = rules.structuring;
    const [fn, fd] = nine(1 - s.margin);
    const near = sent.filter((i) => {
      const limit = refLimit(events, w, transfers[i]!);
      const a = transfers[i]!.amount;
      return limit !== null && a <= limit && a * fd >= fn * limit;
    });
    rising(transfers, near, s.windowSeconds, (g) => g.length >= s.minCount, (g) => out.push({ type: "structuring", wallet: w, at: g.at(-1)!, evidence: g }));

    // AL2 fan-in
    const f = rules.fanIn;
    rising(transfers, received, f.windowSeconds, (g) => new Set(g.map((i) => transfers[i]!.from)).size >= f.minSenders, (g) => out.push({ type: "fan-in", wallet: w, at: g.at(-1)!, evidence: g }));

    // AL3 velocity: history from the first inflow of any kind
    const v = rules.velocity;
    const firstIn = idx.find((i) => transfers[i]!.to === w && carries(transfers[i]!));
    for (const d of [...new Set(sent.map(day))]) {
      if (firstIn === undefined || day(firstIn) > d - v.lookbackDays) continue;
      const today = sent.filter((i) => day(i) === d);
      const previous = sum(sent.filter((i) => day(i) >= d - v.lookbackDays && day(i) < d));
      const [n, q] = nine(v.factor);
      // today ≥ factor × previous / lookbackDays
      if (sum(today) >= v.minAmount && sum(today) * BigInt(v.lookbackDays) * q >= n * previous) out.push({ type: "velocity", wallet: w, at: today.at(-1)!, evidence: today });
    }

    // AL5 pass-through: FIFO unit positions over every movement of the wallet
    const p = rules.passThrough;
    const [pn, pd] = nine(p.ratio);
    const position = new Map<number, bigint>();
    let inPos = 0n;
    let outPos = 0n;
    for (const i of idx) {
      const t = transfers[i]!;
      if (t.from === t.to) continue;
      if (t.to === w) {
        position.set(i, inPos);
        inPos += t.amount;
      }
      if (t.from === w) {
        position.set(i, outPos);
        outPos += t.amount;
      }
    }
    for (const i of received) {
      const A = transfers[i]!.amount;
      const lo = position.get(i)!;
      let left = 0n;
      const ev = [i];
      for (const o of sent) {
        const to = transfers[o]!;
        if (o <= i || to.timestamp - transfers[i]!.timestamp > p.windowSeconds) continue;
        const a = position.get(o)!;
        const overlap = (a + to.amount < lo + A ? a + to.amount : lo + A) - (a > lo ? a : lo);
        if (overlap <= 0n) continue;
        left += overlap;
        ev.push(o);
        if (left * pd >= pn * A) {
          out.push({ type: "pass-through", wallet: w, at: o, evidence: ev });
          break;
        }
      }
    }

    // AL4 round trip
    const r = rules.roundTrip;
    const byReturn = new Map<number, number[]>();
    for (const e of sent) {
      if (transfers[e]!.to === ZERO) continue;
      const deadline = transfers[e]!.timestamp + r.windowSeconds;
      const walks: number[][] = [];
      const walk = (path: number[]): void => {
        const last = transfers[path.at(-1)!]!;
        if (last.to === w) {
          walks.push(path);
          return;
        }
        if (path.length >= r.hops) return;
        idx.forEach((i) => {
          const t = transfers[i]!;
          if (i > path.at(-1)! && t.from === last.to && ordinary(t) && t.timestamp <= deadline) walk([...path, i]);
        });
      };
      walk([e]);
      if (walks.length === 0) continue;
      const back = Math.min(...walks.map((x) => x.at(-1)!));
      const candidates = walks.filter((x) => x.at(-1) === back);
      const shortest = Math.min(...candidates.map((x) => x.length));
      // The shortest walk, preferring later transfers reading from the return backwards.
      const chosen = candidates.filter((x) => x.length === shortest).sort((x, y) => {
        for (let k = x.length - 1; k >= 0; k--) if (x[k] !== y[k]) return y[k]! - x[k]!;
        return 0;
      })[0]!;
      byReturn.set(back, chosen); // the latest e closing this return wins (sent is in history order)
    }
    for (const [back, chosen] of byReturn) out.push({ type: "round-trip", wallet: w, at: back, evidence: chosen });
  }
  return out;
}

/**
 * Largest-remainder rounding, restated (X2): floors, then the leftover units one each to the largest
 * remainders. Returns per-part the allowed values: the floor, or the floor + 1.
 */
export function roundingBounds(exact: Frac): [bigint, bigint] {
  const floor = exact.n / exact.d;
  return [floor, exact.n % exact.d === 0n ? floor : floor + 1n];
}
