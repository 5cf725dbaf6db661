import type { Address, Hex } from "../indexer/types.js";
import { TraceInputError } from "./errors.js";
import type { TraceModel } from "./model.js";
import { seqWindow, walletNumber } from "./options.js";
import type { LotStatus } from "./registry.js";
import { blockEnd } from "../indexer/checkpoint.js";
import { Fraction, allot, decimal, splitUnits, toNumber } from "./exact.js";
import { amountOf, blockTime } from "./model.js";
import { ANY_KEY, ChunkList, DensePieceLog, FifoArena, IncrementalReplay, R, walkOwnTransfers, adoptReplays, ensureLength, limbsToBig, loadAmount, rememberReplays } from "./replay.js";

/** How value is attributed to lots as it moves. */
export type ProvenancePolicy = "fifo" | "haircut";
/** Every provenance policy. */
export const PROVENANCE_POLICIES: readonly ProvenancePolicy[] = ["fifo", "haircut"];

const ISSUE = 1;
const REDEEM = 2;
const SEIZURE = 3;
const RECOVERY = 4;
const NO_LOT = -1;

/** FIFO holdings of one wallet: chunks (lot, amount), oldest first, from `head`. */
interface Queue { lot: number[]; amount: bigint[]; head: number }
/** Haircut holdings of one wallet: whole-unit (lot, amount) pairs sorted by lot number. */
interface Vector { lot: number[]; amount: bigint[] }

/**
 * Haircut, sender side (rules L2, L3, X2): takes `a` units from a holding vector, the named lot first for a
 * redemption, then each lot in proportion to the holding, in whole units (largest remainder, ties to the
 * smaller lot id, as `rank` orders lots); reports each lot's part through `add`. Holdings stay whole units.
 */
function takeHaircut(v: Vector, a: bigint, named: number, rank: Int32Array, add: (lot: number, x: bigint) => void): void {
  let need = a;
  if (named >= 0) {
    const i = v.lot.indexOf(named);
    if (i >= 0) {
      const have = v.amount[i]!;
      const take = have < need ? have : need;
      v.amount[i] = have - take;
      need -= take;
      add(named, take);
    }
  }
  const order = v.lot.map((_, i) => i).sort((x, y) => rank[v.lot[x]! + 1]! - rank[v.lot[y]! + 1]!);
  const weights = order.map((i) => v.amount[i]!);
  const total = weights.reduce((x, y) => x + y, 0n);
  if (need > 0n) {
    const parts = splitUnits(weights, total, need);
    order.forEach((i, k) => {
      v.amount[i] = weights[k]! - parts[k]!;
      add(v.lot[i]!, parts[k]!);
    });
    // The sender held less than it sent: the excess is value no issue explains (incomplete data).
    if (need > total) add(NO_LOT, need - total);
  }
  let k = 0;
  for (let i = 0; i < v.lot.length; i++) {
    if (v.amount[i]! !== 0n) {
      v.lot[k] = v.lot[i]!;
      v.amount[k++] = v.amount[i]!;
    }
  }
  v.lot.length = k;
  v.amount.length = k;
}

/** Lot number + 1 → its position in lot-id order (value no issue explains, lot -1, first). */
function lotRank(lots: readonly Hex[]): Int32Array {
  const r = new Int32Array(lots.length + 1);
  const order = lots.map((_, i) => i).sort((x, y) => (lots[x]! < lots[y]! ? -1 : 1));
  order.forEach((lot, k) => (r[lot + 1] = k + 1));
  return r;
}

/** Haircut, recipient side: merges what arrived into a holding vector (sorted by lot). */
function addHaircut(r: Vector, lots: readonly number[], amounts: readonly bigint[]): void {
  const m = new Map<number, bigint>();
  for (let i = 0; i < r.lot.length; i++) m.set(r.lot[i]!, r.amount[i]!);
  for (let i = 0; i < lots.length; i++) if (amounts[i]! !== 0n) m.set(lots[i]!, (m.get(lots[i]!) ?? 0n) + amounts[i]!);
  const sorted = [...m.keys()].sort((x, y) => x - y);
  r.lot = sorted;
  r.amount = sorted.map((l) => m.get(l)!);
}

function takeFifo(q: Queue, need: bigint, onlyLot: number | null, out: (lot: number, a: bigint) => void): bigint {
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

function pushFifo(q: Queue, lot: number, a: bigint): void {
  const last = q.lot.length - 1;
  if (last >= q.head && q.lot[last] === lot) q.amount[last]! += a;
  else {
    q.lot.push(lot);
    q.amount.push(a);
  }
}

/** Per-wallet holdings by wallet number: FIFO queues in one arena; haircut vectors (undefined: never held anything). */
type Holdings = { fifo: FifoArena; haircut: (Vector | undefined)[] };

/**
 * Replays the history attributing every unit to the lot it was issued against, recording what each transfer
 * carried (pieces: lot, amount; NO_LOT for value no issue explains). Lot numbers are the model's.
 * - FIFO (Clayton's case): a transfer takes the sender's oldest chunks first and appends them, in order, to
 *   the recipient's queue.
 * - Haircut: a transfer carries each lot in proportion to the sender's holding of it, in whole units.
 * - A redemption against lot L burns the redeemer's holding of L first (it names its lot), then the rest by the
 *   policy; a seizure and a recovery move value like a transfer.
 */
export class ProvenanceReplay extends IncrementalReplay<Holdings, DensePieceLog> {
  #rank: Int32Array = new Int32Array(1);
  readonly #moved = new ChunkList();
  constructor(readonly policy: ProvenancePolicy) {
    super(new DensePieceLog());
  }
  protected spawn(): this {
    return new ProvenanceReplay(this.policy) as this;
  }
  protected emptyState(): Holdings {
    return { fifo: new FifoArena(), haircut: [] };
  }
  protected cloneState(h: Holdings): Holdings {
    return {
      fifo: this.policy === "fifo" ? h.fifo.clone() : h.fifo,
      haircut: h.haircut.map((v) => (v === undefined ? undefined : { lot: [...v.lot], amount: [...v.amount] })),
    };
  }
  /** FIFO takes no snapshots: a rollback rebuilds the dropped transfers' wallets from their own transfers (rule C7). */
  protected override get snapshots(): boolean {
    return this.policy !== "fifo";
  }
  readonly #scratch = new ChunkList();
  /** FIFO: about 1.8 pieces a transfer on the synthetic ledgers; room for 2.25 (untouched room costs no memory). */
  protected override expectedPieces(transfers: number): number {
    return this.policy === "fifo" ? Math.ceil(transfers * 2.25) : 0;
  }
  /** FIFO: room for about 1.5 chunks a transfer in the queues' arena too (the synthetic ledgers hold about one). */
  protected override reserve(transfers: number): void {
    super.reserve(transfers);
    this.pieces.reserveTransfers(this.pieces.transfers + transfers);
    if (this.policy === "fifo") this.state.fifo.reserve(this.state.fifo.top + Math.ceil(transfers * 1.5));
  }
  protected override rebuild(model: TraceModel, w: number, k: number): void {
    const q = this.state.fifo;
    q.reset(w);
    const out = this.#scratch;
    walkOwnTransfers(model, w, k, (s) => {
      const [lo, up] = this.pieces.range(s);
      for (let p = lo; p < up; p++) {
        this.pieces.load(model, s, p);
        q.push(w, this.pieces.key.data[p]!, R.lo, R.hi);
      }
    }, (s) => {
      loadAmount(model, s);
      if (R.lo === 0 && R.hi === 0) return;
      out.n = 0;
      const lot = model.lot[s]!;
      if (model.kind[s] === REDEEM && lot >= 0) q.take(w, R.lo, R.hi, lot, out);
      q.take(w, R.lo, R.hi, ANY_KEY, out);
    });
  }
  /** The ranks of the model's lots (recomputed when lots were added). */
  rank(model: TraceModel): Int32Array {
    if (this.#rank.length !== model.lots.length + 1) this.#rank = lotRank(model.lots);
    return this.#rank;
  }
  protected step(model: TraceModel, s: number, h: Holdings, log: DensePieceLog | null): void {
    const f = model.from[s]!;
    const t = model.to[s]!;
    if (this.policy === "fifo") {
      // No bigint or object per transfer: amounts as pairs of numbers (replay.ts), queues in one arena.
      loadAmount(model, s);
      const alo = R.lo;
      const ahi = R.hi;
      if (f === t || (alo === 0 && ahi === 0)) return; // a self-transfer or a zero amount moves nothing (rules S1, Z1)
      const kind = model.kind[s]!;
      const lot = model.lot[s]!;
      const arena = h.fifo;
      arena.ensure(model.address.length);
      const moved = this.#moved;
      moved.n = 0;
      if (f === 0) moved.push(kind === ISSUE ? lot : NO_LOT, alo, ahi);
      else {
        let nlo = alo;
        let nhi = ahi;
        if (kind === REDEEM && lot >= 0) {
          arena.take(f, nlo, nhi, lot, moved);
          nlo = R.lo;
          nhi = R.hi;
        }
        arena.take(f, nlo, nhi, ANY_KEY, moved);
        // The sender held less than it sent: the model's data is incomplete.
        if (R.lo !== 0 || R.hi !== 0) moved.push(NO_LOT, R.lo, R.hi);
      }
      if (t !== 0) for (let i = 0; i < moved.n; i++) arena.push(t, moved.key[i]!, moved.lo[i]!, moved.hi[i]!);
      if (log !== null) for (let i = 0; i < moved.n; i++) log.pushLimbs(s, moved.key[i]!, 0, moved.lo[i]!, moved.hi[i]!);
      return;
    }
    const a = amountOf(model, s);
    if (f === t || a === 0n) return; // a self-transfer or a zero amount moves nothing (rules S1, Z1)
    const kind = model.kind[s]!;
    const lot = model.lot[s]!;
    ensureLength(h.haircut, model.address.length, undefined);
    const moving = new Map<number, bigint>(); // fresh, not cleared: see ExposureReplay.step (haircut)
    const add = (l: number, x: bigint) => {
      if (x !== 0n) moving.set(l, (moving.get(l) ?? 0n) + x);
    };
    if (f === 0) add(kind === ISSUE ? lot : NO_LOT, a);
    else takeHaircut((h.haircut[f] ??= { lot: [], amount: [] }), a, kind === REDEEM ? lot : -2, this.rank(model), add);
    const lots = [...moving.keys()].sort((x, y) => x - y);
    const amounts = lots.map((l) => moving.get(l)!);
    if (t !== 0) addHaircut((h.haircut[t] ??= { lot: [], amount: [] }), lots, amounts);
    if (log !== null) for (let i = 0; i < lots.length; i++) log.push(s, lots[i]!, 0, amounts[i]!);
  }

  /**
   * One wallet's holdings after seqs `0..hi-1` (hi ≤ processed): at the replay's end, its state; earlier, its
   * own transfers replayed from what each inflow carried (the pieces), not the history.
   */
  holdings(model: TraceModel, w: number, hi: number): Map<number, bigint> {
    const out = new Map<number, bigint>();
    if (hi >= this.processed) {
      if (this.policy === "fifo") {
        const q = this.state.fifo;
        if (w < q.end.length) {
          for (let k = q.head[w]!; k < q.end[w]!; k++) {
            if (q.lo[k] === 0 && q.hi[k] === 0) continue;
            out.set(q.key[k]!, (out.get(q.key[k]!) ?? 0n) + limbsToBig(q.lo[k]!, q.hi[k]!));
          }
        }
      } else {
        const v = this.state.haircut[w];
        if (v !== undefined) for (let k = 0; k < v.lot.length; k++) out.set(v.lot[k]!, v.amount[k]!);
      }
      return out;
    }
    const ins = { start: model.inStart[w]!, end: model.inStart[w + 1]! };
    const outs = { start: model.outStart[w]!, end: model.outStart[w + 1]! };
    const q: Queue = { lot: [], amount: [], head: 0 };
    const v: Vector = { lot: [], amount: [] };
    const none = () => undefined;
    const lots: number[] = [];
    const amounts: bigint[] = [];
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
        const [lo, up] = this.pieces.range(s);
        lots.length = 0;
        amounts.length = 0;
        for (let k = lo; k < up; k++) {
          lots.push(this.pieces.key.data[k]!);
          amounts.push(this.pieces.get(model, s, k));
        }
        if (this.policy === "fifo") lots.forEach((l, k) => pushFifo(q, l, amounts[k]!));
        else addHaircut(v, lots, amounts);
      } else {
        j++;
        if (a === 0n) continue;
        const named = model.kind[s] === REDEEM ? model.lot[s]! : -2;
        if (this.policy === "fifo") {
          let need = a;
          if (named >= 0) need = takeFifo(q, need, named, none);
          takeFifo(q, need, null, none);
        } else takeHaircut(v, a, named, this.rank(model), none);
      }
    }
    if (this.policy === "fifo") {
      for (let k = q.head; k < q.lot.length; k++) if (q.amount[k]! !== 0n) out.set(q.lot[k]!, (out.get(q.lot[k]!) ?? 0n) + q.amount[k]!);
    } else for (let k = 0; k < v.lot.length; k++) out.set(v.lot[k]!, v.amount[k]!);
    return out;
  }
}

/** The provenance replays of a model, per policy (see {@link replays}). */
const replaysByModel = new WeakMap<TraceModel, Map<ProvenancePolicy, ProvenanceReplay>>();

/**
 * The replay of `policy` for `model`, brought up to its last transfer: built once (the one-time set-up), then
 * extended by the transfers appended since, or rolled back and extended after a reorg.
 */
export function provenanceReplay(model: TraceModel, policy: ProvenancePolicy): ProvenanceReplay {
  let byPolicy = replaysByModel.get(model);
  if (byPolicy === undefined) {
    byPolicy = adoptReplays(model, "provenance") as Map<ProvenancePolicy, ProvenanceReplay> | undefined ?? new Map();
    replaysByModel.set(model, byPolicy);
  }
  let r = byPolicy.get(policy);
  if (r === undefined) byPolicy.set(policy, (r = new ProvenanceReplay(policy)));
  r.sync(model);
  rememberReplays(model, "provenance", byPolicy, (old) => replaysByModel.delete(old));
  return r;
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
  // What each transfer carried is recorded once per model and policy (kept up to date as the model grows);
  // the wallet's holdings at the block come from its own transfers, not from a replay of the history.
  const exactByLot = new Map([...provenanceReplay(model, policy).holdings(model, w, hi)].map(([lot, x]) => [lot, new Fraction(x)]));
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
