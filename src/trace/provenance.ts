import type { Address, Hex } from "../indexer/types.js";
import { TraceInputError } from "./errors.js";
import type { TraceModel } from "./model.js";
import { seqWindow, walletNumber } from "./options.js";
import type { LotStatus } from "./registry.js";
import { blockEnd } from "../indexer/checkpoint.js";
import { Fraction, allot, decimal, splitUnits, toNumber } from "./exact.js";
import { amountOf, blockTime } from "./model.js";

/** How value is attributed to lots as it moves. */
export type ProvenancePolicy = "fifo" | "haircut";
/** Every provenance policy. */
export const PROVENANCE_POLICIES: readonly ProvenancePolicy[] = ["fifo", "haircut"];

const ISSUE = 1;
const REDEEM = 2;
const SEIZURE = 3;
const RECOVERY = 4;
const NO_LOT = -1;

/** Per-wallet lot holdings after replaying a prefix of the history. */
interface Holdings {
  /** FIFO: per wallet, a queue of chunks (lot, amount), oldest first, from `head`. */
  fifo?: { lot: number[]; amount: bigint[]; head: number }[];
  /** Haircut: per wallet, exact (lot, amount) pairs sorted by lot number. */
  haircut?: { lot: number[]; amount: Fraction[] }[];
  /**
   * What each transfer carried: lots `compLot[compStart[s] .. compStart[s+1])` with amounts `compAmount[…]`
   * (bigint under FIFO, Fraction under haircut). A transfer's composition does not depend on the block a query
   * asks about, so provenance at an earlier block replays one wallet's own transfers from these, not the history.
   */
  compStart: Int32Array;
  compLot: number[];
  compAmount: (bigint | Fraction)[];
}

/**
 * Haircut, sender side (rules L2, L3, X2): takes `a` units from a holding vector, the named lot first for a
 * redemption, then each lot in proportion to the holding, in whole units (largest remainder, ties to the
 * smaller lot id, as `rank` orders lots); reports each lot's part through `add`. Holdings stay whole units.
 */
function takeHaircut(v: { lot: number[]; amount: Fraction[] }, a: bigint, named: number, rank: Int32Array, add: (lot: number, x: Fraction) => void): void {
  let need = a;
  if (named >= 0) {
    const i = v.lot.indexOf(named);
    if (i >= 0) {
      const have = v.amount[i]!.n;
      const take = have < need ? have : need;
      v.amount[i] = new Fraction(have - take);
      need -= take;
      add(named, new Fraction(take));
    }
  }
  const order = v.lot.map((_, i) => i).sort((x, y) => rank[v.lot[x]! + 1]! - rank[v.lot[y]! + 1]!);
  const weights = order.map((i) => v.amount[i]!.n);
  const total = weights.reduce((x, y) => x + y, 0n);
  if (need > 0n) {
    const parts = splitUnits(weights, total, need);
    order.forEach((i, k) => {
      v.amount[i] = new Fraction(weights[k]! - parts[k]!);
      add(v.lot[i]!, new Fraction(parts[k]!));
    });
    // The sender held less than it sent: the excess is value no issue explains (incomplete data).
    if (need > total) add(NO_LOT, new Fraction(need - total));
  }
  let k = 0;
  for (let i = 0; i < v.lot.length; i++) {
    if (!v.amount[i]!.isZero) {
      v.lot[k] = v.lot[i]!;
      v.amount[k++] = v.amount[i]!;
    }
  }
  v.lot.length = k;
  v.amount.length = k;
}

const ranks = new WeakMap<TraceModel, Int32Array>();

/** Lot number + 1 → its position in lot-id order (value no issue explains, lot -1, first). */
function lotRank(model: TraceModel): Int32Array {
  let r = ranks.get(model);
  if (r === undefined) {
    r = new Int32Array(model.lots.length + 1);
    const order = model.lots.map((_, i) => i).sort((x, y) => (model.lots[x]! < model.lots[y]! ? -1 : 1));
    order.forEach((lot, k) => (r![lot + 1] = k + 1));
    ranks.set(model, r);
  }
  return r;
}

/** Haircut, recipient side: merges what arrived into a holding vector (sorted by lot). */
function addHaircut(r: { lot: number[]; amount: Fraction[] }, lots: readonly number[], amounts: readonly Fraction[]): void {
  const m = new Map<number, Fraction>();
  for (let i = 0; i < r.lot.length; i++) m.set(r.lot[i]!, r.amount[i]!);
  for (let i = 0; i < lots.length; i++) if (!amounts[i]!.isZero) m.set(lots[i]!, (m.get(lots[i]!) ?? Fraction.ZERO).add(amounts[i]!));
  const sorted = [...m.keys()].sort((x, y) => x - y);
  r.lot = sorted;
  r.amount = sorted.map((l) => m.get(l)!);
}

function takeFifo(q: { lot: number[]; amount: bigint[]; head: number }, need: bigint, onlyLot: number | null, out: (lot: number, a: bigint) => void): bigint {
  for (let i = q.head; i < q.lot.length && need > 0n; i++) {
    if (onlyLot !== null && q.lot[i] !== onlyLot) continue;
    const have = q.amount[i]!;
    if (have === 0n) continue;
    const take = have < need ? have : need;
    q.amount[i] = have - take;
    need -= take;
    out(q.lot[i]!, take);
  }
  while (q.head < q.lot.length && q.amount[q.head] === 0n) q.head++;
  if (q.head > 64 && q.head * 2 > q.lot.length) {
    q.lot.splice(0, q.head);
    q.amount.splice(0, q.head);
    q.head = 0;
  }
  return need;
}

function pushFifo(q: { lot: number[]; amount: bigint[]; head: number }, lot: number, a: bigint): void {
  const last = q.lot.length - 1;
  if (last >= q.head && q.lot[last] === lot) q.amount[last]! += a;
  else {
    q.lot.push(lot);
    q.amount.push(a);
  }
}

/**
 * Replays transfers `0..hi-1` attributing every unit to the lot it was issued against. Lot numbers are the
 * model's; NO_LOT (-1) stands for value no issue event explains.
 * - FIFO (Clayton's case): a transfer takes the sender's oldest chunks first and appends them, in order, to
 *   the recipient's queue.
 * - Haircut: a transfer carries each lot in proportion to the sender's holding of it.
 * - A redemption against lot L burns the redeemer's holding of L first (it names its lot), then the rest by the
 *   policy; a seizure and a recovery move value like a transfer.
 */
function replay(model: TraceModel, hi: number, policy: ProvenancePolicy): Holdings {
  const wallets = model.address.length;
  const from = model.from;
  const to = model.to;
  const kind = model.kind;
  const lotOf = model.lot;
  if (policy === "fifo") {
    const queues = Array.from({ length: wallets }, () => ({ lot: [] as number[], amount: [] as bigint[], head: 0 }));
    const moved: number[] = [];
    const movedAmount: bigint[] = [];
    const collect = (lot: number, a: bigint) => {
      moved.push(lot);
      movedAmount.push(a);
    };
    const compStart = new Int32Array(hi + 1);
    const compLot: number[] = [];
    const compAmount: bigint[] = [];
    for (let s = 0; s < hi; s++) {
      compStart[s] = compLot.length;
      const a = amountOf(model, s);
      const f = from[s]!;
      const t = to[s]!;
      if (f === t || a === 0n) continue; // a self-transfer or a zero amount moves nothing (rules S1, Z1)
      moved.length = 0;
      movedAmount.length = 0;
      if (f === 0) collect(kind[s] === ISSUE ? lotOf[s]! : NO_LOT, a);
      else {
        let need = a;
        if (kind[s] === REDEEM && lotOf[s]! >= 0) need = takeFifo(queues[f]!, need, lotOf[s]!, collect);
        need = takeFifo(queues[f]!, need, null, collect);
        if (need > 0n) collect(NO_LOT, need); // the sender held less than it sent: the model's data is incomplete
      }
      if (t !== 0) for (let i = 0; i < moved.length; i++) pushFifo(queues[t]!, moved[i]!, movedAmount[i]!);
      for (let i = 0; i < moved.length; i++) {
        compLot.push(moved[i]!);
        compAmount.push(movedAmount[i]!);
      }
    }
    compStart[hi] = compLot.length;
    return { fifo: queues, compStart, compLot, compAmount };
  }
  const rank = lotRank(model);
  const vec = Array.from({ length: wallets }, () => ({ lot: [] as number[], amount: [] as Fraction[] }));
  const compStart = new Int32Array(hi + 1);
  const compLot: number[] = [];
  const compAmount: Fraction[] = [];
  const moving = new Map<number, Fraction>();
  const add = (lot: number, x: Fraction) => {
    if (!x.isZero) moving.set(lot, (moving.get(lot) ?? Fraction.ZERO).add(x));
  };
  for (let s = 0; s < hi; s++) {
    compStart[s] = compLot.length;
    const f = from[s]!;
    const t = to[s]!;
    const a = amountOf(model, s);
    if (f === t || a === 0n) continue; // a self-transfer or a zero amount moves nothing (rules S1, Z1)
    moving.clear();
    if (f === 0) add(kind[s] === ISSUE ? lotOf[s]! : NO_LOT, new Fraction(a));
    else takeHaircut(vec[f]!, a, kind[s] === REDEEM ? lotOf[s]! : -2, rank, add);
    const lots = [...moving.keys()].sort((x, y) => x - y);
    const amounts = lots.map((l) => moving.get(l)!);
    if (t !== 0) addHaircut(vec[t]!, lots, amounts);
    compLot.push(...lots);
    compAmount.push(...amounts);
  }
  compStart[hi] = compLot.length;
  return { haircut: vec, compStart, compLot, compAmount };
}

/**
 * One wallet's holdings after seqs `0..hi-1`, replayed from its own transfers only, with what each inflow
 * carried taken from the tip replay's compositions (an inflow's composition is the same whatever block is asked).
 */
function walletHoldings(model: TraceModel, w: number, hi: number, policy: ProvenancePolicy, tip: Holdings): Map<number, Fraction> {
  const ins = { start: model.inStart[w]!, end: model.inStart[w + 1]! };
  const outs = { start: model.outStart[w]!, end: model.outStart[w + 1]! };
  const q = { lot: [] as number[], amount: [] as bigint[], head: 0 };
  const v = { lot: [] as number[], amount: [] as Fraction[] };
  const none = () => undefined;
  let i = ins.start;
  let j = outs.start;
  for (;;) {
    const si = i < ins.end ? model.inSeq[i]! : Infinity;
    const sj = j < outs.end ? model.outSeq[j]! : Infinity;
    const s = Math.min(si, sj);
    if (s >= hi) break;
    const a = amountOf(model, s);
    if (s === si) {
      i++;
      if (a === 0n) continue;
      const lots = tip.compLot.slice(tip.compStart[s]!, tip.compStart[s + 1]!);
      const amounts = tip.compAmount.slice(tip.compStart[s]!, tip.compStart[s + 1]!);
      if (policy === "fifo") lots.forEach((l, k) => pushFifo(q, l, amounts[k] as bigint));
      else addHaircut(v, lots, amounts as Fraction[]);
    } else {
      j++;
      if (a === 0n) continue;
      const named = model.kind[s] === REDEEM ? model.lot[s]! : -2;
      if (policy === "fifo") {
        let need = a;
        if (named >= 0) need = takeFifo(q, need, named, none);
        takeFifo(q, need, null, none);
      } else takeHaircut(v, a, named, lotRank(model), none);
    }
  }
  const out = new Map<number, Fraction>();
  if (policy === "fifo") for (let k = q.head; k < q.lot.length; k++) out.set(q.lot[k]!, (out.get(q.lot[k]!) ?? Fraction.ZERO).add(new Fraction(q.amount[k]!)));
  else for (let k = 0; k < v.lot.length; k++) out.set(v.lot[k]!, v.amount[k]!);
  return out;
}

const cache = new WeakMap<TraceModel, Map<ProvenancePolicy, Holdings>>();

/** The holdings at the model's tip, replayed once per model and policy and then reused. */
function tipHoldings(model: TraceModel, policy: ProvenancePolicy): Holdings {
  let byPolicy = cache.get(model);
  if (byPolicy === undefined) cache.set(model, (byPolicy = new Map()));
  let h = byPolicy.get(policy);
  if (h === undefined) byPolicy.set(policy, (h = replay(model, model.size, policy)));
  return h;
}

/** One lot's part of a wallet's balance. */
export interface LotShare {
  /** The lot id, or null for value no issue explains. */
  lot: Hex | null;
  /** Base units (haircut: whole units, each transfer split by largest remainder, so the lots add up to the balance). */
  amount: bigint;
  /** The same amount as a decimal string of base units (kept for packs made while haircut used fractions). */
  exactAmount: string;
  /** Fraction of the balance as a number, 0..1 (for display; see `shareFraction`). */
  share: number;
  /** Fraction of the balance, exact: "n/d". */
  shareFraction: string;
  /** Fraction of the balance as a decimal string (12 decimals, rounded). */
  shareDecimal: string;
  /** The lot's reserve status at the block. */
  status: LotStatus | null;
  /** Whether its attestation had expired at the block's own time (its expiry UTC day had begun); null when that time is unknown. */
  expired: boolean | null;
}

/** The answer of {@link provenance}. */
export interface ProvenanceResult {
  wallet: Address;
  policy: ProvenancePolicy;
  atBlock: number;
  /** The queried block's own timestamp, or null when it cannot be known (then `timeNote` says why). */
  blockTime: number | null;
  /** Why `blockTime` is null, else null. */
  timeNote: string | null;
  balance: bigint;
  /** Lots backing the balance, largest first; lots whose amount rounds to 0 units are not listed. */
  lots: LotShare[];
  /** Totals of the wallet's movements up to the block, by kind (self-transfers apart: they move nothing). */
  flows: {
    issued: bigint; received: bigint; sent: bigint; redeemed: bigint;
    seizedIn: bigint; seizedOut: bigint; recoveredIn: bigint; recoveredOut: bigint;
    /** Number and total of self-transfers (listed, but they move nothing: rule S1). */
    selfTransfers: { count: number; amount: bigint };
  };
}

/** Validates a provenance policy name. */
export function provenancePolicy(value: string): ProvenancePolicy {
  if (!(PROVENANCE_POLICIES as readonly string[]).includes(value)) {
    throw new TraceInputError("unknown-policy", `unknown provenance policy "${value}": use ${PROVENANCE_POLICIES.join(" or ")}`);
  }
  return value as ProvenancePolicy;
}

/**
 * Lot provenance: which goods lots back a wallet's balance at a block, and in what proportion.
 * @param model - the trace model.
 * @param wallet - the wallet's address.
 * @param options.policy - `fifo` or `haircut` (see {@link replay} for the rules, redemptions and seizures included).
 * @param options.atBlock - the block (default: the model's tip); at the tip the replay is computed once per
 *   model and reused, at an earlier block it is replayed up to that block.
 * @throws TraceInputError for a malformed or unknown wallet, an unknown policy, a block above the tip.
 * @example provenance(model, "0xabc…", { policy: "fifo" }).lots
 */
export function provenance(model: TraceModel, wallet: string, options: { policy: string; atBlock?: number }): ProvenanceResult {
  const policy = provenancePolicy(options.policy);
  const w = walletNumber(model, wallet);
  const atBlock = options.atBlock ?? model.tip.block;
  if (!Number.isSafeInteger(atBlock) || atBlock < 0 || atBlock > model.tip.block) {
    throw new TraceInputError("bad-window", `atBlock ${atBlock} is outside the indexed blocks 0..${model.tip.block}`);
  }
  const hi = seqWindow(model, { toBlock: atBlock }).hi;
  // At the tip: a lookup in the replay (once per model and policy). Earlier: the wallet's own transfers
  // replayed from what each carried (recorded by that same replay), not the whole history.
  const holdings = tipHoldings(model, policy);
  let exactByLot = new Map<number, Fraction>();
  if (hi < model.size) exactByLot = walletHoldings(model, w, hi, policy, holdings);
  else if (policy === "fifo") {
    const q = holdings.fifo![w]!;
    for (let i = q.head; i < q.lot.length; i++) {
      exactByLot.set(q.lot[i]!, (exactByLot.get(q.lot[i]!) ?? Fraction.ZERO).add(new Fraction(q.amount[i]!)));
    }
  } else {
    const v = holdings.haircut![w]!;
    for (let i = 0; i < v.lot.length; i++) exactByLot.set(v.lot[i]!, v.amount[i]!);
  }
  const flows = {
    issued: 0n, received: 0n, sent: 0n, redeemed: 0n, seizedIn: 0n, seizedOut: 0n, recoveredIn: 0n, recoveredOut: 0n,
    selfTransfers: { count: 0, amount: 0n },
  };
  let balance = 0n;
  for (let i = model.inStart[w]!; i < model.inStart[w + 1]! && model.inSeq[i]! < hi; i++) {
    const s = model.inSeq[i]!;
    const a = amountOf(model, s);
    balance += a;
    const k = model.kind[s];
    if (k === ISSUE) flows.issued += a;
    else if (k === SEIZURE) flows.seizedIn += a;
    else if (k === RECOVERY) flows.recoveredIn += a;
    else flows.received += a;
  }
  for (let i = model.outStart[w]!; i < model.outStart[w + 1]! && model.outSeq[i]! < hi; i++) {
    const s = model.outSeq[i]!;
    const a = amountOf(model, s);
    balance -= a;
    const k = model.kind[s];
    if (k === REDEEM) flows.redeemed += a;
    else if (k === SEIZURE) flows.seizedOut += a;
    else if (k === RECOVERY) flows.recoveredOut += a;
    else flows.sent += a;
  }
  for (const s of model.selfSeq) {
    if (s >= hi) break;
    if (model.from[s] === w) {
      flows.selfTransfers.count++;
      flows.selfTransfers.amount += amountOf(model, s);
    }
  }
  // Ties of the largest-remainder allotment go to the smaller lot id (value no issue explains first).
  const idOf = (lot: number) => (lot === NO_LOT ? "" : model.lots[lot]!);
  const entries = [...exactByLot].filter(([, x]) => !x.isZero).sort((x, y) => (idOf(x[0]) < idOf(y[0]) ? -1 : 1));
  const total = entries.reduce((acc, [, x]) => acc.add(x), Fraction.ZERO);
  const units = allot(entries.map(([, x]) => x), total.round());
  const at = blockEnd(atBlock);
  const day = (t: number) => Math.floor(t / 86_400);
  const time = blockTime(model, atBlock);
  const lots: LotShare[] = entries
    .map(([lot, exact], i) => {
      const id = lot === NO_LOT ? null : model.lots[lot]!;
      const state = id === null ? null : model.registry.lotAt(id, at);
      const share = total.isZero ? Fraction.ZERO : new Fraction(exact.n * total.d, exact.d * total.n);
      return {
        lot: id, amount: units[i]!, exactAmount: exact.toString(), share: toNumber(share), shareFraction: share.toString(), shareDecimal: decimal(share),
        status: state === null ? null : state.status,
        expired: state === null || state.status === "none" ? false : time.time === null ? null : day(time.time) >= day(state.expiresAt),
        exact,
      };
    })
    .filter((l) => l.amount > 0n) // no lot is listed with 0 units (rule X3)
    .sort((x, y) => y.exact.cmp(x.exact) || ((x.lot ?? "") < (y.lot ?? "") ? -1 : 1))
    .map(({ exact: _exact, ...l }) => l);
  return { wallet: model.address[w]!, policy, atBlock, blockTime: time.time, timeNote: time.reason, balance, lots, flows };
}
