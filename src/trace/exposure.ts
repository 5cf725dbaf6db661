import type { Address } from "../indexer/types.js";
import { blockEnd } from "../indexer/checkpoint.js";
import { TraceInputError } from "./errors.js";
import type { TraceModel } from "./model.js";
import { amountOf } from "./model.js";
import { seqWindow, walletNumber } from "./options.js";
import { Fraction, allot, decimal, splitUnits, toNumber } from "./exact.js";
import { lowerBound } from "./search.js";

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
class Labels {
  readonly source: number[] = [-1];
  readonly hops: number[] = [0];
  readonly #ids = new Map<string, number>();
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

/** Accumulates the target's exposure: exact amount by label. */
type Tally = Map<number, Fraction>;

function tallyFifo(model: TraceModel, want: (t: number) => boolean, hi: number, sources: Map<number, Source>, labels: Labels): Map<number, Tally> {
  const tallies = new Map<number, Tally>();
  const n = model.address.length;
  const balance: bigint[] = new Array<bigint>(n).fill(0n);
  // Only wallets that ever held taint get a queue; others hold clean value only.
  const queues = new Map<number, { label: number[]; amount: bigint[]; head: number }>();
  const carried: number[] = [];
  const carriedAmount: bigint[] = [];
  for (let s = 0; s < hi; s++) {
    const f = model.from[s]!;
    const t = model.to[s]!;
    const a = amountOf(model, s);
    if (f === t || a === 0n) continue; // moves nothing (rules S1, Z1)
    carried.length = 0;
    carriedAmount.length = 0;
    const src = sources.get(f);
    const fromSource = src !== undefined && s >= src.fromSeq;
    const q = queues.get(f);
    let need = a;
    if (q !== undefined) {
      for (let i = q.head; i < q.label.length && need > 0n; i++) {
        const take = q.amount[i]! < need ? q.amount[i]! : need;
        q.amount[i]! -= take;
        need -= take;
        if (q.amount[i] === 0n) q.head = i + 1;
        if (!fromSource) {
          const l = q.label[i]!;
          carried.push(l === 0 ? 0 : labels.id(labels.source[l]!, labels.hops[l]! + 1));
          carriedAmount.push(take);
        }
      }
    }
    if (fromSource) {
      carried.length = 0;
      carriedAmount.length = 0;
      carried.push(labels.id(f, 1));
      carriedAmount.push(a);
    } else if (need > 0n) {
      carried.push(0);
      carriedAmount.push(need);
    }
    if (f !== 0) balance[f]! -= a;
    if (t !== 0) {
      let rq = queues.get(t);
      const tainted = carried.some((l) => l !== 0);
      if (rq === undefined && tainted) {
        rq = { label: [], amount: [], head: 0 };
        if (balance[t]! > 0n) {
          rq.label.push(0);
          rq.amount.push(balance[t]!);
        }
        queues.set(t, rq);
      }
      if (rq !== undefined) {
        for (let i = 0; i < carried.length; i++) {
          const last = rq.label.length - 1;
          if (last >= rq.head && rq.label[last] === carried[i]) rq.amount[last]! += carriedAmount[i]!;
          else {
            rq.label.push(carried[i]!);
            rq.amount.push(carriedAmount[i]!);
          }
        }
      }
      balance[t]! += a;
    }
    if (t !== 0 && want(t)) {
      let tally = tallies.get(t);
      for (let i = 0; i < carried.length; i++) {
        if (carried[i] === 0) continue;
        if (tally === undefined) tallies.set(t, (tally = new Map()));
        tally.set(carried[i]!, (tally.get(carried[i]!) ?? Fraction.ZERO).add(new Fraction(carriedAmount[i]!)));
      }
    }
  }
  return tallies;
}

function tallyHaircut(model: TraceModel, want: (t: number) => boolean, hi: number, sources: Map<number, Source>, labels: Labels): Map<number, Tally> {
  const tallies = new Map<number, Tally>();
  const order = (x: number, y: number) => {
    const ax = model.address[labels.source[x]!]!;
    const ay = model.address[labels.source[y]!]!;
    return ax < ay ? -1 : ax > ay ? 1 : labels.hops[x]! - labels.hops[y]!;
  };
  const n = model.address.length;
  const balance: bigint[] = new Array<bigint>(n).fill(0n);
  // Only wallets that ever held taint get a vector; the rest of a balance is clean.
  const vectors = new Map<number, Map<number, Fraction>>();
  const carried = new Map<number, Fraction>();
  for (let s = 0; s < hi; s++) {
    const f = model.from[s]!;
    const t = model.to[s]!;
    const a = amountOf(model, s);
    if (f === t || a === 0n) continue; // moves nothing (rules S1, Z1)
    carried.clear();
    const src = sources.get(f);
    const fromSource = src !== undefined && s >= src.fromSeq;
    if (fromSource) carried.set(labels.id(f, 1), new Fraction(a));
    const v = vectors.get(f);
    if (v !== undefined && v.size > 0) {
      // The sender's value leaves in proportion, in whole units (rule X2): clean value and each taint label
      // split by largest remainder, ties to clean value, then by source address and hops.
      const labelsHeld = [...v.keys()].sort((x, y) => order(x, y));
      const weights = labelsHeld.map((l) => v.get(l)!.n);
      const tainted = weights.reduce((x, y) => x + y, 0n);
      const b = balance[f]! > tainted ? balance[f]! : tainted;
      const parts = splitUnits([b - tainted, ...weights], b, a);
      labelsHeld.forEach((l, k) => {
        const take = parts[k + 1]!;
        const left = weights[k]! - take;
        if (left === 0n) v.delete(l);
        else v.set(l, new Fraction(left));
        if (!fromSource && take > 0n) {
          const label = labels.id(labels.source[l]!, labels.hops[l]! + 1);
          carried.set(label, (carried.get(label) ?? Fraction.ZERO).add(new Fraction(take)));
        }
      });
    }
    if (f !== 0) balance[f]! -= a;
    if (t !== 0) {
      if (carried.size > 0) {
        let rv = vectors.get(t);
        if (rv === undefined) vectors.set(t, (rv = new Map()));
        for (const [l, x] of carried) rv.set(l, (rv.get(l) ?? Fraction.ZERO).add(x));
      }
      balance[t]! += a;
    }
    if (t !== 0 && carried.size > 0 && want(t)) {
      let tally = tallies.get(t);
      if (tally === undefined) tallies.set(t, (tally = new Map()));
      for (const [l, x] of carried) tally.set(l, (tally.get(l) ?? Fraction.ZERO).add(x));
    }
  }
  return tallies;
}

/** A wallet's exposure before rounding: exact amounts in total, by hop count and by source. */
interface Summary {
  exposed: Fraction;
  byHops: Map<number, Fraction>;
  bySource: Map<number, { amount: Fraction; minHops: number }>;
}

const emptySummary = (): Summary => ({ exposed: Fraction.ZERO, byHops: new Map(), bySource: new Map() });

/** Poison (rule E2): per receiving wallet, every tainted inflow counted fully, by its fewest hops and for each source. */
function poisonSummaries(model: TraceModel, want: (t: number) => boolean, hi: number, sources: Map<number, Source>): Map<number, Summary> {
  const out = new Map<number, Summary>();
  // poisoned[v]: source → fewest hops at which v received value from it (grows over time only).
  const poisoned = new Map<number, Map<number, number>>();
  for (let s = 0; s < hi; s++) {
    const f = model.from[s]!;
    const t = model.to[s]!;
    const a = amountOf(model, s);
    if (f === t || a === 0n) continue; // moves nothing (rules S1, Z1)
    const src = sources.get(f);
    const inherited = poisoned.get(f);
    if (inherited === undefined && (src === undefined || s < src.fromSeq)) continue;
    const taint = new Map<number, number>();
    if (src !== undefined && s >= src.fromSeq) taint.set(f, 1);
    for (const [origin, h] of inherited ?? []) if (!taint.has(origin) || taint.get(origin)! > h + 1) taint.set(origin, h + 1);
    if (t === 0) continue;
    let p = poisoned.get(t);
    if (p === undefined) poisoned.set(t, (p = new Map()));
    for (const [origin, h] of taint) if (!p.has(origin) || p.get(origin)! > h) p.set(origin, h);
    if (!want(t)) continue;
    let sum = out.get(t);
    if (sum === undefined) out.set(t, (sum = emptySummary()));
    const x = new Fraction(a);
    sum.exposed = sum.exposed.add(x);
    let hops = Infinity;
    for (const h of taint.values()) if (h < hops) hops = h;
    sum.byHops.set(hops, (sum.byHops.get(hops) ?? Fraction.ZERO).add(x));
    for (const [origin, h] of taint) {
      const e = sum.bySource.get(origin) ?? { amount: Fraction.ZERO, minHops: h };
      e.amount = e.amount.add(x);
      e.minHops = Math.min(e.minHops, h);
      sum.bySource.set(origin, e);
    }
  }
  return out;
}

/** Haircut and FIFO: a receiving wallet's labelled tally as a {@link Summary}. */
function summarize(tally: Tally | undefined, labels: Labels): Summary {
  const sum = emptySummary();
  for (const [label, amount] of tally ?? []) {
    if (amount.isZero) continue;
    const origin = labels.source[label]!;
    const hops = labels.hops[label]!;
    sum.exposed = sum.exposed.add(amount);
    sum.byHops.set(hops, (sum.byHops.get(hops) ?? Fraction.ZERO).add(amount));
    const e = sum.bySource.get(origin) ?? { amount: Fraction.ZERO, minHops: hops };
    e.amount = e.amount.add(amount);
    e.minHops = Math.min(e.minHops, hops);
    sum.bySource.set(origin, e);
  }
  return sum;
}

/**
 * Every wallet's exposure for one (policy, block, source set), from one replay of the history, kept per model
 * (the last few source sets) so that further wallets are lookups: the taint of a source set is computed once,
 * not replayed per query.
 */
const summaryCache = new WeakMap<TraceModel, Map<string, Map<number, Summary>>>();
const CACHED_SOURCE_SETS = 8;

function allSummaries(model: TraceModel, policy: ExposurePolicy, hi: number, sources: Map<number, Source>): Map<number, Summary> {
  const key = `${policy}|${hi}|${[...sources].map(([w, e]) => `${w}:${e.fromSeq}`).sort().join(",")}`;
  let byKey = summaryCache.get(model);
  if (byKey === undefined) summaryCache.set(model, (byKey = new Map()));
  const hit = byKey.get(key);
  if (hit !== undefined) {
    byKey.delete(key); // most recently used last
    byKey.set(key, hit);
    return hit;
  }
  const all = () => true;
  let result: Map<number, Summary>;
  if (policy === "poison") result = poisonSummaries(model, all, hi, sources);
  else {
    const labels = new Labels();
    const tallies = policy === "fifo" ? tallyFifo(model, all, hi, sources, labels) : tallyHaircut(model, all, hi, sources, labels);
    result = new Map([...tallies].map(([t, tally]) => [t, summarize(tally, labels)]));
  }
  byKey.set(key, result);
  while (byKey.size > CACHED_SOURCE_SETS) byKey.delete(byKey.keys().next().value!);
  return result;
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
  let summary: Summary;
  if (sources.has(w)) {
    // No self-exposure (rule E1): this wallet's own source set lacks it, so it gets a replay of its own.
    sources.delete(w);
    const one = (t: number) => t === w;
    if (policy === "poison") summary = poisonSummaries(model, one, hi, sources).get(w) ?? emptySummary();
    else {
      const labels = new Labels();
      summary = summarize((policy === "fifo" ? tallyFifo : tallyHaircut)(model, one, hi, sources, labels).get(w), labels);
    }
  } else summary = allSummaries(model, policy, hi, sources).get(w) ?? emptySummary();
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
