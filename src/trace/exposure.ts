import type { Address } from "../indexer/types.js";
import { blockEnd } from "../indexer/checkpoint.js";
import { TraceInputError } from "./errors.js";
import type { TraceModel } from "./model.js";
import { amountOf } from "./model.js";
import { seqWindow, walletNumber } from "./options.js";
import { Fraction, allot, decimal, splitUnits, toNumber } from "./exact.js";
import { lowerBound } from "./search.js";
import { ANY_KEY, AmountsByWallet, ChunkList, FifoArena, IncrementalReplay, PieceLog, R, adoptReplays, limbsToBig, loadAmount, rememberReplays, setBig, walkOwnTransfers } from "./replay.js";

/** How taint spreads: poison, haircut or FIFO (see {@link exposure}). */
export type ExposurePolicy = "poison" | "haircut" | "fifo";
/** Every exposure policy. */
export const EXPOSURE_POLICIES: readonly ExposurePolicy[] = ["poison", "haircut", "fifo"];
/** Why a wallet is a taint source. */
export type SourceReason = "flagged" | "frozen" | "denylisted";
/** Every source reason. */
export const SOURCE_REASONS: readonly SourceReason[] = ["flagged", "frozen", "denylisted"];

/** A flagged wallet as the analyst set it: the flag counts from `block` (rule F1); a bare address counts from block 0. */
export type FlagInput = string | { wallet: string; block?: number | null };

/** Options of {@link exposure}. */
export interface ExposureOptions {
  /** `poison`, `haircut` or `fifo`. */
  policy: string;
  /** The block (default: the model's tip); sources are the wallets flagged, frozen or denylisted at its end. */
  atBlock?: number;
  /** Wallets an analyst flagged, each from the block its flag was set (the store's {@link Flag} list fits as is). */
  flagged?: readonly FlagInput[];
  /** Which kinds of source count (default all three). */
  reasons?: readonly SourceReason[];
}

/** Taint from one source. */
export interface SourceExposure {
  source: Address;
  reasons: SourceReason[];
  /** Base units of the wallet's inflow traced to this source (poison: a transfer counts fully for each source). */
  amount: bigint;
  /** The exact amount: base units, or "n/d" under haircut. */
  exactAmount: string;
  /** Fewest hops from the source. */
  minHops: number;
}

/** A source considered by a query. */
export interface ExposureSource {
  wallet: Address;
  reasons: SourceReason[];
  /** The first block from which its outflows count as taint (a flag's block; 0 for frozen and denylisted). */
  fromBlock: number;
}

/** The answer of {@link exposure}. */
export interface ExposureResult {
  wallet: Address;
  policy: ExposurePolicy;
  atBlock: number;
  /** The sources considered (the queried wallet itself never is: rule E1). */
  sources: ExposureSource[];
  /** Everything the wallet received up to the block (issues, transfers, seizures, recoveries). */
  inflow: bigint;
  /** The part of the inflow that traces back to a source (haircut: the exact amount rounded to units). */
  exposed: bigint;
  /** The exact exposed amount: base units, or "n/d" under haircut. */
  exposedExact: string;
  /** exposed / inflow as a number, 0..1 (display; exact in `shareFraction`). */
  share: number;
  /** exposed / inflow, exact "n/d" (from the exact exposed amount). */
  shareFraction: string;
  /** exposed / inflow as a decimal string (12 decimals). */
  shareDecimal: string;
  /** Received straight from a source (1 hop). */
  direct: bigint;
  /** Received through intermediaries (2 hops or more); direct + indirect = exposed. */
  indirect: bigint;
  /** Exposed amount by hop count, ascending (rounded by largest remainder: they add up to `exposed`). */
  byHops: { hops: number; amount: bigint; exactAmount: string }[];
  /** Exposed amount by source, largest first; only the sources that reached the wallet. */
  bySource: SourceExposure[];
}

/** Validates an exposure policy name. */
export function exposurePolicy(value: string): ExposurePolicy {
  if (!(EXPOSURE_POLICIES as readonly string[]).includes(value)) {
    throw new TraceInputError("unknown-policy", `unknown exposure policy "${value}": use ${EXPOSURE_POLICIES.join(", ")}`);
  }
  return value as ExposurePolicy;
}

/** A taint source in the model's terms. */
interface Source {
  reasons: SourceReason[];
  /** First seq whose outflow from it counts as its taint. */
  fromSeq: number;
  fromBlock: number;
}

/**
 * The taint sources at a block: flagged wallets (each from the block its flag was set, when that is not after
 * `atBlock`), and wallets frozen or denylisted at the block's end (from the start of the history).
 */
export function taintSources(model: TraceModel, atBlock: number, flagged: readonly FlagInput[], reasons: readonly SourceReason[]): Map<number, Source> {
  const sources = new Map<number, Source>();
  const add = (w: number, reason: SourceReason, fromBlock: number) => {
    if (!reasons.includes(reason) || w === 0) return;
    const fromSeq = fromBlock === 0 ? 0 : lowerBound(model.block, 0, model.size, fromBlock);
    const e = sources.get(w);
    if (e === undefined) sources.set(w, { reasons: [reason], fromSeq, fromBlock });
    else {
      if (!e.reasons.includes(reason)) e.reasons.push(reason);
      if (fromSeq < e.fromSeq) {
        e.fromSeq = fromSeq;
        e.fromBlock = fromBlock;
      }
    }
  };
  for (const f of flagged) {
    const address = (typeof f === "string" ? f : f.wallet).toLowerCase() as Address;
    const block = typeof f === "string" ? 0 : (f.block ?? 0);
    const w = model.walletId.get(address);
    if (w !== undefined && block <= atBlock) add(w, "flagged", block);
  }
  const at = blockEnd(atBlock);
  for (const address of model.registry.wallets()) {
    const state = model.registry.walletAt(address, at);
    const w = model.walletId.get(address)!;
    if (state.status === "frozen") add(w, "frozen", 0);
    if (state.denylisted) add(w, "denylisted", 0);
  }
  return sources;
}

/** Labels of tainted value: (source, hops) pairs, numbered; label 0 is clean value. */
export class Labels {
  readonly source: number[] = [-1];
  readonly hops: number[] = [0];
  readonly #ids = new Map<string, number>();
  /** Label → the label one hop further (0 for clean value, -1 not yet known). */
  #next = new Int32Array(64).fill(-1);
  /** The label of the same source one hop further (clean value stays clean). */
  next(l: number): number {
    if (l === 0) return 0;
    if (l >= this.#next.length) {
      const n = new Int32Array(Math.max(l + 1, this.#next.length * 2)).fill(-1);
      n.set(this.#next);
      this.#next = n;
    }
    let x = this.#next[l]!;
    if (x < 0) this.#next[l] = x = this.id(this.source[l]!, this.hops[l]! + 1);
    return x;
  }
  id(source: number, hops: number): number {
    const key = `${source}:${hops}`;
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.source.length;
      this.source.push(source);
      this.hops.push(hops);
      this.#ids.set(key, id);
    }
    return id;
  }
}

/** A wallet's exposure before rounding: exact amounts in total, by hop count and by source. */
interface Summary {
  exposed: Fraction;
  byHops: Map<number, Fraction>;
  bySource: Map<number, { amount: Fraction; minHops: number }>;
}

const emptySummary = (): Summary => ({ exposed: Fraction.ZERO, byHops: new Map(), bySource: new Map() });

function addTo(sum: Summary, origin: number, hops: number, x: Fraction): void {
  const e = sum.bySource.get(origin) ?? { amount: Fraction.ZERO, minHops: hops };
  e.amount = e.amount.add(x);
  e.minHops = Math.min(e.minHops, hops);
  sum.bySource.set(origin, e);
}

/** The exact value of an amount given as a pair of numbers. */
const limbsAmount = (lo: number, hi: number): bigint => limbsToBig(lo, hi);

/** Poison: sets wallet `w`'s fewest hops from `origin` to `h` unless it has fewer. */
function putMin(p: FifoArena, w: number, origin: number, h: number): void {
  for (let i = p.head[w]!; i < p.end[w]!; i++) {
    if (p.key[i] === origin) {
      if (p.lo[i]! > h) p.lo[i] = h;
      return;
    }
  }
  p.push(w, origin, h, 0);
}

/** Haircut: adds `y` units of label `l` to wallet `w`'s entries. */
function addEntry(v: FifoArena, w: number, l: number, y: bigint): void {
  for (let i = v.head[w]!; i < v.end[w]!; i++) {
    if (v.key[i] === l) {
      setBig(limbsToBig(v.lo[i]!, v.hi[i]!) + y);
      v.lo[i] = R.lo;
      v.hi[i] = R.hi;
      return;
    }
  }
  setBig(y);
  v.push(w, l, R.lo, R.hi);
}

/**
 * Haircut, sender side (rule X2): wallet `w` (balance `bal`) sends `a`; its value leaves in proportion, in whole
 * units: clean value and each taint label split by largest remainder, ties to clean value, then by source
 * address and hops. Its entries keep what is left (none at 0); `out` gets each label's part.
 */
function takeHaircutTaint(model: TraceModel, labels: Labels, v: FifoArena, w: number, bal: bigint, a: bigint, out: (label: number, take: bigint) => void): void {
  const held: number[] = [];
  const amount = new Map<number, bigint>();
  for (let i = v.head[w]!; i < v.end[w]!; i++) {
    held.push(v.key[i]!);
    amount.set(v.key[i]!, limbsToBig(v.lo[i]!, v.hi[i]!));
  }
  held.sort((l1, l2) => {
    const ax = model.address[labels.source[l1]!]!;
    const ay = model.address[labels.source[l2]!]!;
    return ax < ay ? -1 : ax > ay ? 1 : labels.hops[l1]! - labels.hops[l2]!;
  });
  const weights = held.map((l) => amount.get(l)!);
  const tainted = weights.reduce((p, q) => p + q, 0n);
  const b = bal > tainted ? bal : tainted;
  const parts = splitUnits([b - tainted, ...weights], b, a);
  v.reset(w);
  held.forEach((l, k) => {
    const take = parts[k + 1]!;
    const left = weights[k]! - take;
    if (left !== 0n) {
      setBig(left);
      v.push(w, l, R.lo, R.hi);
    }
    out(l, take);
  });
}

/** Taint state: per wallet, poison (source → fewest hops), or haircut and FIFO holdings by label and balances. */
interface TaintState {
  /** Poison: per wallet, (source wallet, fewest hops) entries (key: the source; lo: the hops), in one arena. */
  poisoned: FifoArena;
  balance: AmountsByWallet;
  /** Haircut: per wallet, (label, amount) entries of the taint it holds, in one arena. */
  vectors: FifoArena;
  /** FIFO: the queues of the wallets taint reached (label 0 is clean value), in one arena. */
  queues: FifoArena;
}

/**
 * One policy's taint replay for one source set (wallet → the block its outflows start counting from),
 * recording every tainted part a transfer carried (pieces: label or source, hops, amount). A query at any block
 * sums the pieces of the wallet's inflows before it.
 * - Poison (rule E2): pieces are (source, hops); the transfer's whole amount counts for each. Poison is
 *   separable by source (each source's taint spreads on its own), so a query leaves out the queried wallet's
 *   own pieces (rule E1) from the same replay.
 * - Haircut and FIFO: pieces are (label, amount), a label being (source, hops); a query about a wallet that is
 *   itself a source uses the replay of the source set without it (rule E1).
 */
export class ExposureReplay extends IncrementalReplay<TaintState> {
  readonly #taken = new ChunkList();
  constructor(readonly policy: ExposurePolicy, public sources: Map<number, number>, readonly labels: Labels) {
    super(new PieceLog(policy === "poison", policy !== "poison"));
  }
  protected spawn(): this {
    return new ExposureReplay(this.policy, new Map(this.sources), this.labels) as this;
  }
  protected emptyState(): TaintState {
    return { poisoned: new FifoArena(), balance: new AmountsByWallet(), vectors: new FifoArena(), queues: new FifoArena() };
  }
  protected cloneState(x: TaintState): TaintState {
    return {
      poisoned: this.policy === "poison" ? x.poisoned.clone() : x.poisoned,
      balance: this.policy === "poison" ? x.balance : x.balance.clone(),
      vectors: this.policy === "haircut" ? x.vectors.clone() : x.vectors,
      queues: this.policy === "fifo" ? x.queues.clone() : x.queues,
    };
  }
  /**
   * Poison and haircut take no snapshots: a wallet's state is rebuilt from its own transfers and their recorded
   * pieces (rule C7). FIFO does (what its pieces record leaves out where clean value lay in the queue).
   */
  protected override get snapshots(): boolean {
    return this.policy === "fifo";
  }
  protected override rebuild(model: TraceModel, w: number, k: number): void {
    const x = this.state;
    const pieces = this.pieces;
    if (this.policy === "poison") {
      x.poisoned.ensure(model.address.length);
      x.poisoned.reset(w);
      for (let i = model.inStart[w]!; i < model.inStart[w + 1]! && model.inSeq[i]! < k; i++) {
        const [lo, up] = pieces.range(model.inSeq[i]!);
        for (let p = lo; p < up; p++) putMin(x.poisoned, w, pieces.key.data[p]!, pieces.aux.data[p]!);
      }
      return;
    }
    // Haircut: the wallet's own transfers in order, its running balance, its inflows' recorded taint.
    const v = x.vectors;
    v.ensure(model.address.length);
    x.balance.ensure(model.address.length);
    v.reset(w);
    let bal = 0n;
    walkOwnTransfers(model, w, k, (s) => {
      const [lo, up] = pieces.range(s);
      for (let p = lo; p < up; p++) addEntry(v, w, pieces.key.data[p]!, pieces.amount.get(p));
      bal += amountOf(model, s);
    }, (s) => {
      const a = amountOf(model, s);
      if (a === 0n) return;
      if (v.end[w]! > v.head[w]!) takeHaircutTaint(model, this.labels, v, w, bal, a, () => {});
      bal -= a;
    });
    x.balance.set(w, bal);
  }

  #active(model: TraceModel, f: number, s: number): boolean {
    const b = this.sources.get(f);
    return b !== undefined && model.block[s]! >= b;
  }
  protected step(model: TraceModel, s: number, x: TaintState, log: PieceLog | null): void {
    const f = model.from[s]!;
    const t = model.to[s]!;
    loadAmount(model, s);
    const alo = R.lo;
    const ahi = R.hi;
    if (f === t || (alo === 0 && ahi === 0)) return; // moves nothing (rules S1, Z1)
    const fromSource = this.#active(model, f, s);
    if (this.policy === "poison") {
      if (t === 0) return;
      const p = x.poisoned;
      p.ensure(model.address.length);
      // The sender's entries, copied first (entries pushed to the recipient may move the arena's regions).
      const inherited = this.#taken;
      inherited.n = 0;
      for (let i = p.head[f]!; i < p.end[f]!; i++) inherited.push(p.key[i]!, p.lo[i]!, 0);
      if (inherited.n === 0 && !fromSource) return;
      if (fromSource) {
        putMin(p, t, f, 1);
        log?.pushLimbs(s, f, 1, 0, 0);
      }
      for (let i = 0; i < inherited.n; i++) {
        const origin = inherited.key[i]!;
        if (fromSource && origin === f) continue;
        const h = inherited.lo[i]! + 1;
        putMin(p, t, origin, h);
        log?.pushLimbs(s, origin, h, 0, 0);
      }
      return;
    }
    x.balance.ensure(model.address.length);
    const labels = this.labels;
    if (this.policy === "haircut") {
      const a = limbsAmount(alo, ahi);
      // A new Map per transfer, not one cleared: Map.prototype.clear allocates the emptied table in the old
      // generation when the Map lives there, and 20M of those grew the heap's pages by ~850 MB that V8 kept
      // resident after collecting them; a fresh Map dies young.
      const carried = new Map<number, bigint>();
      if (fromSource) carried.set(labels.id(f, 1), a);
      const v = x.vectors;
      v.ensure(model.address.length);
      if (v.end[f]! > v.head[f]!) {
        takeHaircutTaint(model, labels, v, f, x.balance.get(f), a, (l, take) => {
          if (!fromSource && take > 0n) {
            const label = labels.next(l);
            carried.set(label, (carried.get(label) ?? 0n) + take);
          }
        });
      }
      if (f !== 0) x.balance.sub(f, alo, ahi);
      if (t !== 0) {
        for (const [l, y] of carried) {
          addEntry(v, t, l, y);
          log?.push(s, l, 0, y);
        }
        x.balance.add(t, alo, ahi);
      }
      return;
    }
    // FIFO: no bigint or object per transfer (amounts as pairs of numbers, queues in one arena).
    const q = x.queues;
    q.ensure(model.address.length);
    const taken = this.#taken;
    taken.n = 0;
    let tainted = false;
    if (fromSource) {
      q.take(f, alo, ahi, ANY_KEY, taken); // the source's own value leaves, all of it its taint at 1 hop
      taken.n = 0;
      taken.push(labels.id(f, 1), alo, ahi);
      tainted = true;
    } else {
      q.take(f, alo, ahi, ANY_KEY, taken);
      const llo = R.lo;
      const lhi = R.hi;
      for (let i = 0; i < taken.n; i++) {
        const l = labels.next(taken.key[i]!);
        taken.key[i] = l;
        if (l !== 0) tainted = true;
      }
      if (llo !== 0 || lhi !== 0) taken.push(0, llo, lhi); // beyond the sender's queue: clean value
    }
    if (f !== 0) x.balance.sub(f, alo, ahi);
    if (t !== 0) {
      if (q.has[t] === 0 && tainted) {
        q.create(t);
        const bal = x.balance.get(t);
        if (bal > 0n) q.push(t, 0, x.balance.lo[t]!, x.balance.hi[t]!);
      }
      if (q.has[t] === 1) for (let i = 0; i < taken.n; i++) q.push(t, taken.key[i]!, taken.lo[i]!, taken.hi[i]!);
      x.balance.add(t, alo, ahi);
      if (log !== null) for (let i = 0; i < taken.n; i++) if (taken.key[i] !== 0) log.pushLimbs(s, taken.key[i]!, 0, taken.lo[i]!, taken.hi[i]!);
    }
  }

  /** Wallet `w`'s exposure from its inflows before seq `hi` (≤ processed), leaving out taint from `w` itself (rule E1). */
  summary(model: TraceModel, w: number, hi: number): Summary {
    const sum = emptySummary();
    const pieces = this.pieces;
    const tally = new Map<number, bigint>();
    for (let i = model.inStart[w]!; i < model.inStart[w + 1]! && model.inSeq[i]! < hi; i++) {
      const s = model.inSeq[i]!;
      const [lo, up] = pieces.range(s);
      if (lo === up) continue;
      if (this.policy === "poison") {
        let hops = Infinity;
        for (let k = lo; k < up; k++) if (pieces.key.data[k] !== w && pieces.aux.data[k]! < hops) hops = pieces.aux.data[k]!;
        if (hops === Infinity) continue;
        const x = new Fraction(amountOf(model, s));
        sum.exposed = sum.exposed.add(x);
        sum.byHops.set(hops, (sum.byHops.get(hops) ?? Fraction.ZERO).add(x));
        for (let k = lo; k < up; k++) if (pieces.key.data[k] !== w) addTo(sum, pieces.key.data[k]!, pieces.aux.data[k]!, x);
      } else for (let k = lo; k < up; k++) tally.set(pieces.key.data[k]!, (tally.get(pieces.key.data[k]!) ?? 0n) + pieces.amount.get(k));
    }
    for (const [label, amount] of tally) {
      if (amount === 0n) continue;
      const x = new Fraction(amount);
      const hops = this.labels.hops[label]!;
      sum.exposed = sum.exposed.add(x);
      sum.byHops.set(hops, (sum.byHops.get(hops) ?? Fraction.ZERO).add(x));
      addTo(sum, this.labels.source[label]!, hops, x);
    }
    return sum;
  }
}

/**
 * The exposure replays of a model, by key (policy and source set), most recently used last; shared labels.
 * A handful are kept: each is one replay of the history, after which every query on its source set, at any
 * block, is a look-up of the wallet's inflows.
 */
interface ExposureCache {
  replays: Map<string, ExposureReplay>;
  labels: Labels;
}
const exposureCaches = new WeakMap<TraceModel, ExposureCache>();

/** The exposure replays kept for a model (benchmarks read their memory), or undefined. */
export function exposureCacheOf(model: TraceModel): { readonly replays: ReadonlyMap<string, ExposureReplay> } | undefined {
  return exposureCaches.get(model);
}
const CACHED_SOURCE_SETS = 6;

const keyOf = (policy: ExposurePolicy, sources: Map<number, number>) =>
  `${policy}|${[...sources].sort((x, y) => x[0] - y[0]).map(([w, b]) => `${w}@${b}`).join(",")}`;

/**
 * The replay of `policy` over `sources`, brought up to the model's last transfer. Made once per source set;
 * a set that only adds sources counting from a late block (a flag set at the index's position) is derived from
 * a cached replay by rolling a copy back to that block, not replayed from the start.
 */
export function exposureReplay(model: TraceModel, policy: ExposurePolicy, sources: Map<number, number>): ExposureReplay {
  let cache = exposureCaches.get(model);
  if (cache === undefined) {
    cache = (adoptReplays(model, "exposure") as ExposureCache | undefined) ?? { replays: new Map(), labels: new Labels() };
    exposureCaches.set(model, cache);
  }
  rememberReplays(model, "exposure", cache, (old) => exposureCaches.delete(old));
  const key = keyOf(policy, sources);
  let r = cache.replays.get(key);
  if (r !== undefined) cache.replays.delete(key); // most recently used last
  else r = derive(model, cache, policy, sources) ?? new ExposureReplay(policy, new Map(sources), cache.labels);
  cache.replays.set(key, r);
  while (cache.replays.size > CACHED_SOURCE_SETS) cache.replays.delete(cache.replays.keys().next().value!);
  r.sync(model);
  return r;
}

function derive(model: TraceModel, cache: ExposureCache, policy: ExposurePolicy, sources: Map<number, number>): ExposureReplay | undefined {
  let best: { r: ExposureReplay; k: number } | undefined;
  for (const r of cache.replays.values()) {
    if (r.policy !== policy || r.sources.size >= sources.size) continue;
    let from = Infinity;
    let subset = true;
    for (const [w, b] of r.sources) if (sources.get(w) !== b) subset = false;
    if (!subset) continue;
    for (const [w, b] of sources) if (!r.sources.has(w)) from = Math.min(from, b);
    const k = lowerBound(model.block, 0, Math.min(model.size, r.processed), from);
    // Worth it only when the copy rolls back to a snapshot or rebuilds a few wallets (or not at all), not to the start.
    if (!r.canRollBackTo(k)) continue;
    if (best === undefined || k > best.k) best = { r, k };
  }
  if (best === undefined) return undefined;
  const c = best.r.clone();
  c.sources = new Map(sources);
  if (best.k < c.processed) c.rollback(model, best.k);
  return c;
}

/** The sources a replay needs for a query: every flag (a flag set after the block changes nothing before it), and the registry's sources at the block. */
function replaySources(model: TraceModel, atBlock: number, flagged: readonly FlagInput[], reasons: readonly SourceReason[]): Map<number, number> {
  const out = new Map<number, number>();
  const add = (w: number, b: number) => {
    if (w !== 0) out.set(w, Math.min(out.get(w) ?? Infinity, b));
  };
  if (reasons.includes("flagged")) {
    for (const f of flagged) {
      const w = model.walletId.get((typeof f === "string" ? f : f.wallet).toLowerCase() as Address);
      if (w !== undefined) add(w, typeof f === "string" ? 0 : (f.block ?? 0));
    }
  }
  const at = blockEnd(atBlock);
  for (const address of model.registry.wallets()) {
    const state = model.registry.walletAt(address, at);
    const w = model.walletId.get(address)!;
    if ((state.status === "frozen" && reasons.includes("frozen")) || (state.denylisted && reasons.includes("denylisted"))) add(w, 0);
  }
  return out;
}

/**
 * Exposure: how much of a wallet's inflow up to a block traces back to taint sources (flagged wallets from the
 * block their flag was set, and wallets frozen or denylisted at that block), direct against indirect, by hop
 * count and by source. Time-respecting: value carries taint only after it reached a wallet. Exact: amounts
 * are bigint and haircut shares exact fractions, rounded to units only in the result.
 * - `poison`: a wallet is tainted from the first tainted transfer it receives; everything it sends afterwards is
 *   tainted in full, attributed to every source that reached it (hops = 1 + its fewest hops from that source).
 * - `haircut`: a transfer carries taint in proportion to the tainted share of the sender's balance.
 * - `fifo`: a transfer carries the sender's oldest value first, tainted or clean.
 * Under haircut and FIFO, everything a source sends counts as its own taint at 1 hop. Self-transfers and zero
 * amounts carry nothing; the wallet's exposure to itself is not counted (docs/TRACE.md).
 * @param options.flagged - the analyst's flags: bare addresses (from block 0) or `{ wallet, block }` as the
 *   store's flag list returns them; a wallet listed twice counts once.
 * @throws TraceInputError for a malformed or unknown wallet, an unknown policy, a block above the tip.
 * @example exposure(model, "0xabc…", { policy: "haircut", flagged: await store.flags() }).share
 */
export function exposure(model: TraceModel, wallet: string, options: ExposureOptions): ExposureResult {
  const policy = exposurePolicy(options.policy);
  const w = walletNumber(model, wallet);
  const atBlock = options.atBlock ?? model.tip.block;
  if (!Number.isSafeInteger(atBlock) || atBlock < 0 || atBlock > model.tip.block) {
    throw new TraceInputError("bad-window", `atBlock ${atBlock} is outside the indexed blocks 0..${model.tip.block}`);
  }
  for (const r of options.reasons ?? []) {
    if (!(SOURCE_REASONS as readonly string[]).includes(r)) throw new TraceInputError("bad-parameter", `unknown source kind "${r}": use ${SOURCE_REASONS.join(", ")}`);
  }
  for (const f of options.flagged ?? []) {
    walletNumber(model, typeof f === "string" ? f : f.wallet);
    const b = typeof f === "string" ? 0 : (f.block ?? 0);
    if (!Number.isSafeInteger(b) || b < 0) throw new TraceInputError("bad-parameter", `a flag's block must be a non-negative integer, got ${b}`);
  }
  const hi = seqWindow(model, { toBlock: atBlock }).hi;
  const sources = taintSources(model, atBlock, options.flagged ?? [], options.reasons ?? SOURCE_REASONS);
  let inflow = 0n;
  for (let i = model.inStart[w]!; i < model.inStart[w + 1]! && model.inSeq[i]! < hi; i++) inflow += amountOf(model, model.inSeq[i]!);
  // One replay per policy and source set (kept up to date as blocks arrive), then a look-up of the wallet's
  // inflows at any block. Under haircut and FIFO a wallet that is itself a source is asked of the set without it (E1).
  const replayed = replaySources(model, atBlock, options.flagged ?? [], options.reasons ?? SOURCE_REASONS);
  if (policy !== "poison" && sources.has(w)) replayed.delete(w);
  sources.delete(w); // no self-exposure (rule E1)
  const summary = exposureReplay(model, policy, replayed).summary(model, w, hi);
  const { exposed, byHops, bySource } = summary;
  const exposedUnits = exposed.round();
  const hopsList = [...byHops].filter(([, a]) => !a.isZero).sort((x, y) => x[0] - y[0]);
  const hopUnits = allot(hopsList.map(([, a]) => a), exposedUnits);
  // Ties of the largest-remainder allotment go to the smaller address (a stable order, not the model's numbering).
  const sourceList = [...bySource].filter(([, e]) => !e.amount.isZero).sort((x, y) => (model.address[x[0]]! < model.address[y[0]]! ? -1 : 1));
  // Poison counts a transfer fully for each source, so by-source amounts are whole and need no allotment.
  const sourceUnits = policy === "poison" ? sourceList.map(([, e]) => e.amount.round()) : allot(sourceList.map(([, e]) => e.amount), exposedUnits);
  const share = inflow > 0n ? new Fraction(exposed.n, exposed.d * inflow) : Fraction.ZERO;
  const direct = hopsList.length > 0 && hopsList[0]![0] === 1 ? hopUnits[0]! : 0n;
  return {
    wallet: model.address[w]!,
    policy,
    atBlock,
    sources: [...sources].map(([v, e]) => ({ wallet: model.address[v]!, reasons: e.reasons, fromBlock: e.fromBlock })).sort((x, y) => (x.wallet < y.wallet ? -1 : 1)),
    inflow,
    exposed: exposedUnits,
    exposedExact: exposed.toString(),
    share: toNumber(share),
    shareFraction: share.toString(),
    shareDecimal: decimal(share),
    direct,
    indirect: exposedUnits - direct,
    byHops: hopsList.map(([hops, exact], i) => ({ hops, amount: hopUnits[i]!, exactAmount: exact.toString() })),
    bySource: sourceList
      .map(([v, e], i) => ({ source: model.address[v]!, reasons: sources.get(v)?.reasons ?? [], amount: sourceUnits[i]!, exactAmount: e.amount.toString(), minHops: e.minHops }))
      .sort((x, y) => (y.amount > x.amount ? 1 : y.amount < x.amount ? -1 : x.source < y.source ? -1 : 1)),
  };
}
