import type { Address } from "../indexer/types.js";
import { blockEnd } from "../indexer/checkpoint.js";
import { TraceInputError } from "./errors.js";
import type { TraceModel } from "./model.js";
import { seqWindow, walletNumber } from "./options.js";

/** How taint spreads: poison, haircut or FIFO (see {@link exposure}). */
export type ExposurePolicy = "poison" | "haircut" | "fifo";
/** Every exposure policy. */
export const EXPOSURE_POLICIES: readonly ExposurePolicy[] = ["poison", "haircut", "fifo"];
/** Why a wallet is a taint source. */
export type SourceReason = "flagged" | "frozen" | "denylisted";
/** Every source reason. */
export const SOURCE_REASONS: readonly SourceReason[] = ["flagged", "frozen", "denylisted"];

/** Options of {@link exposure}. */
export interface ExposureOptions {
  /** `poison`, `haircut` or `fifo`. */
  policy: string;
  /** The block (default: the model's tip); sources are the wallets flagged, frozen or denylisted at its end. */
  atBlock?: number;
  /** Wallets an analyst flagged. */
  flagged?: readonly string[];
  /** Which kinds of source count (default all three). */
  reasons?: readonly SourceReason[];
}

/** Taint from one source. */
export interface SourceExposure {
  source: Address;
  reasons: SourceReason[];
  /** Base units of the wallet's inflow traced to this source (poison: a transfer counts fully for each source). */
  amount: bigint;
  /** Fewest hops from the source. */
  minHops: number;
}

/** The answer of {@link exposure}. */
export interface ExposureResult {
  wallet: Address;
  policy: ExposurePolicy;
  atBlock: number;
  /** The sources considered. */
  sources: { wallet: Address; reasons: SourceReason[] }[];
  /** Everything the wallet received up to the block (issues, transfers, seizures, recoveries). */
  inflow: bigint;
  /** The part of the inflow that traces back to a source (haircut: rounded to units). */
  exposed: bigint;
  /** exposed / inflow, 0..1 (haircut: from the unrounded value). */
  share: number;
  /** Received straight from a source (1 hop). */
  direct: bigint;
  /** Received through intermediaries (2 hops or more). */
  indirect: bigint;
  /** Exposed amount by hop count, ascending. */
  byHops: { hops: number; amount: bigint }[];
  /** Exposed amount by source, largest first. */
  bySource: SourceExposure[];
}

/** Validates an exposure policy name. */
export function exposurePolicy(value: string): ExposurePolicy {
  if (!(EXPOSURE_POLICIES as readonly string[]).includes(value)) {
    throw new TraceInputError("unknown-policy", `unknown exposure policy "${value}": use ${EXPOSURE_POLICIES.join(", ")}`);
  }
  return value as ExposurePolicy;
}

/** The taint sources at a block: flagged wallets, and wallets frozen or denylisted at its end. */
export function taintSources(model: TraceModel, atBlock: number, flagged: readonly string[], reasons: readonly SourceReason[]): Map<number, SourceReason[]> {
  const sources = new Map<number, SourceReason[]>();
  const add = (w: number, reason: SourceReason) => {
    if (!reasons.includes(reason)) return;
    const list = sources.get(w) ?? [];
    list.push(reason);
    sources.set(w, list);
  };
  for (const f of flagged) {
    const w = model.walletId.get(f.toLowerCase() as Address);
    if (w !== undefined) add(w, "flagged");
  }
  const at = blockEnd(atBlock);
  for (const address of model.registry.wallets()) {
    const state = model.registry.walletAt(address, at);
    const w = model.walletId.get(address)!;
    if (state.status === "frozen") add(w, "frozen");
    if (state.denylisted) add(w, "denylisted");
  }
  return sources;
}

/** Haircut amounts at or below this many base units are float residue of proportional splits. */
const NOISE = 1e-6;

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

/** Accumulates the target's exposure: amount by label. */
type Tally = Map<number, number>;

function tallyFifoOrHaircut(model: TraceModel, w: number, hi: number, sources: Map<number, SourceReason[]>, policy: "fifo" | "haircut", labels: Labels): Tally {
  const tally: Tally = new Map();
  const n = model.address.length;
  const balance = new Float64Array(n);
  const balanceExact: bigint[] = policy === "fifo" ? new Array<bigint>(n).fill(0n) : [];
  // Only wallets that ever held taint get a queue (FIFO) or a vector (haircut); others hold clean value only.
  const queues = new Map<number, { label: number[]; amount: bigint[]; head: number }>();
  const vectors = new Map<number, Map<number, number>>();
  const carried: number[] = [];
  const carriedAmount: number[] = [];
  const carriedExact: bigint[] = [];
  for (let s = 0; s < hi; s++) {
    const f = model.from[s]!;
    const t = model.to[s]!;
    const a = model.amount[s]!;
    const af = model.amountF[s]!;
    carried.length = 0;
    carriedAmount.length = 0;
    carriedExact.length = 0;
    const fromSource = sources.has(f);
    if (policy === "fifo") {
      const q = queues.get(f);
      let need = a;
      if (q !== undefined) {
        for (let i = q.head; i < q.label.length && need > 0n; i++) {
          const take = q.amount[i]! < need ? q.amount[i]! : need;
          q.amount[i]! -= take;
          need -= take;
          if (q.amount[i] === 0n) q.head = i + 1;
          const l = q.label[i]!;
          if (!fromSource && l !== 0) {
            carried.push(labels.id(labels.source[l]!, labels.hops[l]! + 1));
            carriedExact.push(take);
          } else if (!fromSource) {
            carried.push(0);
            carriedExact.push(take);
          }
        }
      }
      if (fromSource) {
        carried.length = 0;
        carriedExact.length = 0;
        carried.push(labels.id(f, 1));
        carriedExact.push(a);
      } else if (need > 0n) {
        carried.push(0);
        carriedExact.push(need);
      }
      if (f !== 0) balanceExact[f]! -= a;
      if (t !== 0) {
        let rq = queues.get(t);
        const tainted = carried.some((l) => l !== 0);
        if (rq === undefined && tainted) {
          rq = { label: [], amount: [], head: 0 };
          if (balanceExact[t]! > 0n) {
            rq.label.push(0);
            rq.amount.push(balanceExact[t]!);
          }
          queues.set(t, rq);
        }
        if (rq !== undefined) {
          for (let i = 0; i < carried.length; i++) {
            const last = rq.label.length - 1;
            if (last >= rq.head && rq.label[last] === carried[i]) rq.amount[last]! += carriedExact[i]!;
            else {
              rq.label.push(carried[i]!);
              rq.amount.push(carriedExact[i]!);
            }
          }
        }
        balanceExact[t]! += a;
      }
      if (t === w) for (let i = 0; i < carried.length; i++) if (carried[i] !== 0) tally.set(carried[i]!, (tally.get(carried[i]!) ?? 0) + Number(carriedExact[i]!));
    } else {
      const v = vectors.get(f);
      if (fromSource) {
        carried.push(labels.id(f, 1));
        carriedAmount.push(af);
      }
      if (v !== undefined) {
        const share = balance[f]! > 0 ? Math.min(1, af / balance[f]!) : 0;
        for (const [l, x] of v) {
          const take = x * share;
          v.set(l, x - take);
          if (!fromSource) {
            carried.push(labels.id(labels.source[l]!, labels.hops[l]! + 1));
            carriedAmount.push(take);
          }
        }
      }
      if (f !== 0) balance[f]! -= af;
      if (t !== 0) {
        if (carried.length > 0) {
          let rv = vectors.get(t);
          if (rv === undefined) vectors.set(t, (rv = new Map()));
          for (let i = 0; i < carried.length; i++) rv.set(carried[i]!, (rv.get(carried[i]!) ?? 0) + carriedAmount[i]!);
        }
        balance[t]! += af;
      }
      if (t === w) for (let i = 0; i < carried.length; i++) tally.set(carried[i]!, (tally.get(carried[i]!) ?? 0) + carriedAmount[i]!);
    }
  }
  return tally;
}

/**
 * Exposure: how much of a wallet's inflow up to a block traces back to taint sources (flagged wallets, and
 * wallets frozen or denylisted at that block), direct against indirect, by hop count and by source.
 * Time-respecting: value carries taint only after it reached a wallet.
 * - `poison`: a wallet is tainted from the first tainted transfer it receives; everything it sends afterwards is
 *   tainted in full, attributed to every source that reached it (hops = 1 + its fewest hops from that source).
 * - `haircut`: a transfer carries taint in proportion to the tainted share of the sender's balance.
 * - `fifo`: a transfer carries the sender's oldest value first, tainted or clean.
 * Under haircut and FIFO, everything a source sends counts as its own taint at 1 hop.
 * @throws TraceInputError for a malformed or unknown wallet, an unknown policy, a block above the tip.
 * @example exposure(model, "0xabc…", { policy: "haircut", flagged: ["0xbad…"] }).share
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
  for (const f of options.flagged ?? []) walletNumber(model, f);
  const hi = seqWindow(model, { toBlock: atBlock }).hi;
  const sources = taintSources(model, atBlock, options.flagged ?? [], options.reasons ?? SOURCE_REASONS);
  const labels = new Labels();
  let inflow = 0n;
  for (let i = model.inStart[w]!; i < model.inStart[w + 1]! && model.inSeq[i]! < hi; i++) inflow += model.amount[model.inSeq[i]!]!;

  const bySource = new Map<number, { amount: number; minHops: number }>();
  const byHops = new Map<number, number>();
  let exposed = 0;
  if (policy === "poison") {
    // poisoned[v]: source → fewest hops at which v received value from it (grows over time only).
    const poisoned = new Map<number, Map<number, number>>();
    for (let s = 0; s < hi; s++) {
      const f = model.from[s]!;
      const t = model.to[s]!;
      const taint = new Map<number, number>();
      if (sources.has(f)) taint.set(f, 1);
      for (const [src, h] of poisoned.get(f) ?? []) if (!taint.has(src) || taint.get(src)! > h + 1) taint.set(src, h + 1);
      if (taint.size === 0) continue;
      if (t !== 0) {
        let p = poisoned.get(t);
        if (p === undefined) poisoned.set(t, (p = new Map()));
        for (const [src, h] of taint) if (!p.has(src) || p.get(src)! > h) p.set(src, h);
      }
      if (t === w) {
        const a = model.amountF[s]!;
        exposed += a;
        const hops = Math.min(...taint.values());
        byHops.set(hops, (byHops.get(hops) ?? 0) + a);
        for (const [src, h] of taint) {
          const e = bySource.get(src) ?? { amount: 0, minHops: h };
          e.amount += a;
          e.minHops = Math.min(e.minHops, h);
          bySource.set(src, e);
        }
      }
    }
  } else {
    for (const [label, amount] of tallyFifoOrHaircut(model, w, hi, sources, policy, labels)) {
      if (amount <= NOISE) continue; // float residue of proportional splits, not value
      const src = labels.source[label]!;
      const hops = labels.hops[label]!;
      exposed += amount;
      byHops.set(hops, (byHops.get(hops) ?? 0) + amount);
      const e = bySource.get(src) ?? { amount: 0, minHops: hops };
      e.amount += amount;
      e.minHops = Math.min(e.minHops, hops);
      bySource.set(src, e);
    }
  }
  const units = (x: number) => BigInt(Math.round(x));
  const hopsList = [...byHops].filter(([, a]) => a > NOISE).sort((x, y) => x[0] - y[0]);
  const reasonsOf = (v: number) => sources.get(v) ?? [];
  return {
    wallet: model.address[w]!,
    policy,
    atBlock,
    sources: [...sources].map(([v, reasons]) => ({ wallet: model.address[v]!, reasons })).sort((x, y) => (x.wallet < y.wallet ? -1 : 1)),
    inflow,
    exposed: units(exposed),
    share: inflow > 0n ? exposed / Number(inflow) : 0,
    direct: units(byHops.get(1) ?? 0),
    indirect: units(hopsList.filter(([h]) => h > 1).reduce((x, [, a]) => x + a, 0)),
    byHops: hopsList.map(([hops, amount]) => ({ hops, amount: units(amount) })),
    bySource: [...bySource]
      .filter(([, e]) => e.amount > NOISE)
      .map(([v, e]) => ({ source: model.address[v]!, reasons: reasonsOf(v), amount: units(e.amount), minHops: e.minHops }))
      .sort((x, y) => (y.amount > x.amount ? 1 : y.amount < x.amount ? -1 : x.source < y.source ? -1 : 1)),
  };
}
