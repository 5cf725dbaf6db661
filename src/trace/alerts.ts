import { blockEnd } from "../indexer/checkpoint.js";
import type { Address, LedgerEventRow } from "../indexer/types.js";
import { Fraction, atLeast, ratioOf, toNumber } from "./exact.js";
import { TOKEN_DECIMALS, formatAmount } from "@goods-ledger/sdk";
import { TraceInputError } from "./errors.js";
import { traceEdge } from "./trace.js";
import type { TraceEdge } from "./trace.js";
import type { TraceModel } from "./model.js";
import { amountOf, checkpointOf } from "./model.js";
import { checkRange, seqWindow, walletNumber } from "./options.js";
import { search } from "./search.js";

/** The patterns {@link alerts} looks for. */
export type AlertType = "structuring" | "velocity" | "fan-in" | "round-trip" | "pass-through" | "reserve-shortfall";
/** Every alert type. */
export const ALERT_TYPES: readonly AlertType[] = ["structuring", "velocity", "fan-in", "round-trip", "pass-through", "reserve-shortfall"];

const TRANSFER = 0;
/** Base units as a token amount for people (decimal string). */
const tok = (x: bigint) => formatAmount(x, TOKEN_DECIMALS);
const UNLIMITED = 2n ** 64n - 1n;
const DAY = 86_400;

/** Thresholds of every rule (all optional; defaults in {@link DEFAULT_ALERT_RULES}). */
export interface AlertRules {
  /** Structuring: at least `minCount` transfers by one sender within `windowSeconds`, each within `margin` under its tier's single-transfer limit. */
  structuring: { windowSeconds: number; minCount: number; margin: number };
  /** Velocity: a day's outflow ≥ `factor` × the mean daily outflow of the `lookbackDays` before it, and ≥ `minAmount`; needs `lookbackDays` of history. */
  velocity: { factor: number; lookbackDays: number; minAmount: bigint };
  /** Fan-in: at least `minSenders` distinct senders into one wallet within `windowSeconds`. */
  fanIn: { windowSeconds: number; minSenders: number };
  /** Round trip: funds that leave a wallet come back to it within `hops` transfers and `windowSeconds`. */
  roundTrip: { hops: number; windowSeconds: number };
  /** Pass-through: at least `ratio` × an inflow leaves the wallet within `windowSeconds` after it. */
  passThrough: { windowSeconds: number; ratio: number };
}

/** Default thresholds. */
export const DEFAULT_ALERT_RULES: AlertRules = {
  structuring: { windowSeconds: DAY, minCount: 3, margin: 0.1 },
  velocity: { factor: 5, lookbackDays: 7, minAmount: 1n },
  fanIn: { windowSeconds: DAY, minSenders: 5 },
  roundTrip: { hops: 4, windowSeconds: 7 * DAY },
  passThrough: { windowSeconds: 3_600, ratio: 0.9 },
};

/** Options of {@link alerts}. */
export interface AlertOptions {
  /** Only these types (default all). */
  types?: readonly string[];
  /** Only alerts about this wallet. */
  wallet?: string;
  /** Only transfers up to this block (default the tip). */
  atBlock?: number;
  /** Thresholds; missing ones take the defaults. */
  rules?: { [K in keyof AlertRules]?: Partial<AlertRules[K]> };
}

/** One alert, with the transfers behind it. */
export interface Alert {
  type: AlertType;
  /** The wallet the pattern is about; null for a reserve shortfall (about the whole ledger). */
  wallet: Address | null;
  /** Id of the transfer (or, for a reserve shortfall, the event) that completed the pattern. */
  at: string;
  /** One line for a human. */
  summary: string;
  /** The transfers behind the alert, in order (round trip: the walk out and back, hop = position). */
  evidence: TraceEdge[];
  /** Reserve shortfall only: the coverage figures of the ReserveShortfall event and when coverage came back. */
  coverage?: { validReserves: bigint; outstandingSupply: bigint; shortfall: bigint; recoveredAt: string | null };
}

function checkRules(rules: AlertRules): void {
  const pos = (name: string, v: number) => {
    if (!(Number.isFinite(v) && v > 0)) throw new TraceInputError("bad-parameter", `alert rule ${name} must be a positive number, got ${v}`);
  };
  pos("structuring.windowSeconds", rules.structuring.windowSeconds);
  checkRange("bad-parameter", "structuring.minCount", rules.structuring.minCount, 2, 1_000);
  if (!(rules.structuring.margin > 0 && rules.structuring.margin < 1)) throw new TraceInputError("bad-parameter", `alert rule structuring.margin must be in (0, 1), got ${rules.structuring.margin}`);
  pos("velocity.factor", rules.velocity.factor);
  checkRange("bad-parameter", "velocity.lookbackDays", rules.velocity.lookbackDays, 1, 365);
  pos("fanIn.windowSeconds", rules.fanIn.windowSeconds);
  checkRange("bad-parameter", "fanIn.minSenders", rules.fanIn.minSenders, 2, 100_000);
  checkRange("hops-out-of-range", "roundTrip.hops", rules.roundTrip.hops, 2, 10);
  pos("roundTrip.windowSeconds", rules.roundTrip.windowSeconds);
  pos("passThrough.windowSeconds", rules.passThrough.windowSeconds);
  if (!(rules.passThrough.ratio > 0 && rules.passThrough.ratio <= 1)) throw new TraceInputError("bad-parameter", `alert rule passThrough.ratio must be in (0, 1], got ${rules.passThrough.ratio}`);
}

/**
 * Rising-edge windows over one list of transfers (ascending seqs): an alert at element j when the elements of
 * the list within `windowSeconds` up to and including j (time ≥ time(j) − windowSeconds) qualify, and those up
 * to the list's previous element did not (rules AL1, AL2).
 */
function risingWindows(model: TraceModel, seqs: readonly number[], windowSeconds: number, qualifies: (group: number[]) => boolean, emit: (group: number[]) => void): void {
  let before = false;
  let lo = 0;
  for (let j = 0; j < seqs.length; j++) {
    const t = model.time[seqs[j]!]!;
    while (model.time[seqs[lo]!]! < t - windowSeconds) lo++;
    const group = seqs.slice(lo, j + 1);
    const now = qualifies(group);
    if (now && !before) emit(group);
    before = now;
  }
}

/** Seqs of wallet w's outgoing (or incoming) ordinary transfers of a non-zero amount below `hi` (rule A1). */
function sides(model: TraceModel, w: number, hi: number, out: boolean): number[] {
  const start = out ? model.outStart : model.inStart;
  const list = out ? model.outSeq : model.inSeq;
  const r: number[] = [];
  for (let i = start[w]!; i < start[w + 1]! && list[i]! < hi; i++) {
    const s = list[i]!;
    if (model.kind[s] === TRANSFER && amountOf(model, s) !== 0n) r.push(s);
  }
  return r;
}

/**
 * Pass-through (rule AL5): wallet w's funds are taken first-in first-out over its whole history: every
 * inflow (any kind) occupies the next stretch of unit positions, every outflow (any kind) takes the next
 * stretch. For an ordinary inflow i of amount A, its units that leave by ordinary outflows within
 * `windowSeconds` after it are counted; the alert is at the outflow that brings them to ratio × A.
 */
function passThrough(model: TraceModel, w: number, hi: number, rule: AlertRules["passThrough"], add: (at: number, summary: string, evidence: number[]) => void): void {
  const ratio = ratioOf(rule.ratio);
  const ins: { seq: number; pos: bigint; amount: bigint }[] = [];
  const outs: { seq: number; pos: bigint; amount: bigint }[] = [];
  let p = 0n;
  for (let i = model.inStart[w]!; i < model.inStart[w + 1]! && model.inSeq[i]! < hi; i++) {
    const s = model.inSeq[i]!;
    ins.push({ seq: s, pos: p, amount: amountOf(model, s) });
    p += amountOf(model, s);
  }
  p = 0n;
  for (let i = model.outStart[w]!; i < model.outStart[w + 1]! && model.outSeq[i]! < hi; i++) {
    const s = model.outSeq[i]!;
    outs.push({ seq: s, pos: p, amount: amountOf(model, s) });
    p += amountOf(model, s);
  }
  let k0 = 0;
  for (const inflow of ins) {
    if (model.kind[inflow.seq] !== TRANSFER || inflow.amount === 0n) continue;
    const end = inflow.pos + inflow.amount;
    let left = 0n;
    const evidence = [inflow.seq];
    while (k0 < outs.length && outs[k0]!.seq < inflow.seq) k0++;
    for (let k = k0; k < outs.length; k++) {
      const o = outs[k]!;
      if (model.time[o.seq]! - model.time[inflow.seq]! > rule.windowSeconds) break;
      if (o.pos >= end) break;
      if (model.kind[o.seq] !== TRANSFER) continue;
      const lo = o.pos > inflow.pos ? o.pos : inflow.pos;
      const hiPos = o.pos + o.amount < end ? o.pos + o.amount : end;
      if (hiPos <= lo) continue;
      left += hiPos - lo;
      evidence.push(o.seq);
      if (atLeast(left, ratio, inflow.amount)) {
        add(o.seq, `${tok(left)} of the ${tok(inflow.amount)} tokens that arrived left within ${rule.windowSeconds} s`, evidence);
        break;
      }
    }
  }
}

/**
 * Alerts: structuring just under tier limits, velocity spikes against the wallet's own history, fan-in, round
 * trips, rapid pass-through, and reserve shortfalls, each with the transfers behind it. Only ordinary transfers
 * of a non-zero amount between two different wallets count (not issues, redemptions, seizures or recoveries).
 * The definitions are docs/TRACE.md's (AL1–AL6). Sorted by the completing transfer or event, then type.
 * @throws TraceInputError for an unknown alert type, a malformed or unknown wallet, a rule out of range.
 * @example alerts(model, { types: ["fan-in"], rules: { fanIn: { minSenders: 3 } } })
 */
export function alerts(model: TraceModel, options: AlertOptions = {}): Alert[] {
  const types = (options.types ?? ALERT_TYPES).map((t) => {
    if (!(ALERT_TYPES as readonly string[]).includes(t)) throw new TraceInputError("unknown-policy", `unknown alert type "${t}": use ${ALERT_TYPES.join(", ")}`);
    return t as AlertType;
  });
  const r = options.rules ?? {};
  const rules: AlertRules = {
    structuring: { ...DEFAULT_ALERT_RULES.structuring, ...r.structuring },
    velocity: { ...DEFAULT_ALERT_RULES.velocity, ...r.velocity },
    fanIn: { ...DEFAULT_ALERT_RULES.fanIn, ...r.fanIn },
    roundTrip: { ...DEFAULT_ALERT_RULES.roundTrip, ...r.roundTrip },
    passThrough: { ...DEFAULT_ALERT_RULES.passThrough, ...r.passThrough },
  };
  checkRules(rules);
  const atBlock = options.atBlock ?? model.tip.block;
  const hi = seqWindow(model, { toBlock: atBlock }).hi;
  const only = options.wallet === undefined ? null : walletNumber(model, options.wallet);
  const wallets = only === null ? Array.from({ length: model.address.length - 1 }, (_, i) => i + 1) : [only];
  const out: Alert[] = [];
  const edges = (seqs: readonly number[]) => seqs.map((s) => traceEdge(model, s, 0));
  const add = (type: AlertType, w: number, at: number, summary: string, evidence: TraceEdge[]) =>
    out.push({ type, wallet: model.address[w]!, at: checkpointOf(model, at), summary, evidence });

  for (const w of wallets) {
    const sent = sides(model, w, hi, true);
    const received = sides(model, w, hi, false);
    if (types.includes("structuring")) {
      const { windowSeconds, minCount, margin } = rules.structuring;
      const floor = ratioOf(1 - margin);
      const near = sent.filter((s) => {
        const state = model.registry.walletAt(model.address[w]!, checkpointOf(model, s));
        const limit = model.registry.tierAt(state.tier, checkpointOf(model, s))?.maxTransfer;
        if (state.status === "unregistered" || limit === undefined || limit === 0n || limit >= UNLIMITED) return false;
        return atLeast(amountOf(model, s), floor, limit) && amountOf(model, s) <= limit;
      });
      risingWindows(model, near, windowSeconds, (g) => g.length >= minCount, (g) =>
        add("structuring", w, g.at(-1)!, `${g.length} transfers within ${margin * 100}% under the tier's single-transfer limit in ${windowSeconds} s`, edges(g)));
    }
    if (types.includes("fan-in")) {
      const { windowSeconds, minSenders } = rules.fanIn;
      const senders = (g: number[]) => new Set(g.map((s) => model.from[s]!)).size;
      risingWindows(model, received, windowSeconds, (g) => senders(g) >= minSenders, (g) =>
        add("fan-in", w, g.at(-1)!, `${senders(g)} distinct senders within ${windowSeconds} s`, edges(g)));
    }
    if (types.includes("velocity") && sent.length > 0) {
      const { factor, lookbackDays, minAmount } = rules.velocity;
      const f = ratioOf(factor);
      // History starts at the wallet's first inflow of any kind (rule AL3).
      let firstIn = -1;
      for (let i = model.inStart[w]!; i < model.inStart[w + 1]!; i++) {
        if (amountOf(model, model.inSeq[i]!) !== 0n) {
          firstIn = model.inSeq[i]!;
          break;
        }
      }
      const firstSeen = firstIn < 0 ? Infinity : Math.floor(model.time[firstIn]! / DAY);
      const byDay = new Map<number, number[]>();
      for (const s of sent) {
        const d = Math.floor(model.time[s]! / DAY);
        const list = byDay.get(d) ?? [];
        list.push(s);
        byDay.set(d, list);
      }
      const total = (seqs: readonly number[]) => seqs.reduce((x, s) => x + amountOf(model, s), 0n);
      for (const [d, seqs] of byDay) {
        if (firstSeen > d - lookbackDays) continue;
        let before = 0n;
        for (let k = d - lookbackDays; k < d; k++) before += total(byDay.get(k) ?? []);
        const today = total(seqs);
        // today ≥ factor × (before / lookbackDays), exactly.
        if (today >= minAmount && today * BigInt(lookbackDays) * f.d >= f.n * before) {
          const mean = new Fraction(before, BigInt(lookbackDays));
          add("velocity", w, seqs.at(-1)!, `outflow ${tok(today)} tokens on day ${d} is ${mean.isZero ? "above a quiet" : `${(Number(today) / toNumber(mean)).toFixed(1)}× the`} ${lookbackDays}-day mean`, edges(seqs));
        }
      }
    }
    if (types.includes("pass-through")) {
      passThrough(model, w, hi, rules.passThrough, (at, summary, evidence) => add("pass-through", w, at, summary, edges(evidence)));
    }
    if (types.includes("round-trip")) roundTrips(model, w, sent, rules.roundTrip, hi, add);
  }
  if (types.includes("reserve-shortfall") && only === null) {
    const end = blockEnd(atBlock);
    let open: LedgerEventRow | null = null;
    const raise = (e: LedgerEventRow, recovered: LedgerEventRow | null) => {
      const valid = BigInt(String(e.args.validReserves ?? "0"));
      const supply = BigInt(String(e.args.outstandingSupply ?? "0"));
      out.push({
        type: "reserve-shortfall", wallet: null, at: e.checkpoint,
        summary: `outstanding supply ${tok(supply)} exceeds valid reserves ${tok(valid)} by ${tok(supply - valid)} tokens at block ${e.block}${recovered === null ? " (not recovered)" : `; coverage back at block ${recovered.block}`}`,
        evidence: [],
        coverage: { validReserves: valid, outstandingSupply: supply, shortfall: supply - valid, recoveredAt: recovered?.checkpoint ?? null },
      });
    };
    for (const e of model.coverage) {
      if (e.checkpoint > end) break;
      if (e.name === "ReserveShortfall" && open === null) open = e;
      else if (e.name === "ReserveShortfallRecovered" && open !== null) {
        raise(open, e);
        open = null;
      }
    }
    if (open !== null) raise(open, null);
  }
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : ALERT_TYPES.indexOf(a.type) - ALERT_TYPES.indexOf(b.type)));
}

/**
 * Round trips out of wallet w (rule AL4): for each ordinary transfer e = w→b, its return is the earliest
 * ordinary transfer back into w that ends a time-respecting walk of ordinary transfers starting with e, of at
 * most `hops` transfers, none later than `windowSeconds` after e. One alert per return, naming the latest e it
 * closes. Evidence: the shortest such walk, preferring later transfers from the end backwards.
 */
function roundTrips(
  model: TraceModel,
  w: number,
  sent: readonly number[],
  rule: AlertRules["roundTrip"],
  hi: number,
  add: (type: AlertType, w: number, at: number, summary: string, evidence: TraceEdge[]) => void,
): void {
  const byReturn = new Map<number, number[]>();
  for (const e of sent) {
    const b = model.to[e]!;
    if (b === w || b === 0) continue;
    const end = seqWindow(model, { toTime: model.time[e]! + rule.windowSeconds }).hi;
    const found = search(model, {
      direction: "forward", starts: [{ wallet: b, bound: e }], hops: rule.hops - 1,
      window: { lo: e + 1, hi: Math.min(hi, end), minAmount: undefined, maxAmount: undefined },
      hubDegree: Number.MAX_SAFE_INTEGER, maxEdges: null, ordinaryOnly: true, follow: (v) => v !== w,
    });
    const hopOf = new Map<number, number>();
    let back = -1;
    for (let i = 0; i < found.edges.length; i++) {
      const s = found.edges[i]!;
      if (amountOf(model, s) === 0n) continue; // listed by the search, but carries nothing
      hopOf.set(s, found.hops[i]!);
      if (model.to[s] === w && (back < 0 || s < back)) back = s;
    }
    if (back < 0) continue;
    // Rebuild the walk b → … → w ending with `back`: step to the latest earlier edge into the current wallet
    // found one hop before (one exists by construction of the hops).
    const walk = [back];
    let current = model.from[back]!;
    let bound = back;
    let hop = hopOf.get(back)!;
    while (hop > 1) {
      let pick = -1;
      for (let i = model.inStart[current]!; i < model.inStart[current + 1]!; i++) {
        const s = model.inSeq[i]!;
        if (s < bound && hopOf.get(s) === hop - 1 && s > pick) pick = s;
      }
      walk.unshift(pick);
      hop -= 1;
      bound = pick;
      current = model.from[pick]!;
    }
    byReturn.set(back, [e, ...walk]); // sent is ascending: the latest e closing this return wins
  }
  for (const [back, walk] of [...byReturn].sort((x, y) => x[0] - y[0])) {
    const evidence = walk.map((s, i) => traceEdge(model, s, i + 1));
    add("round-trip", w, back, `funds sent to ${model.address[model.to[walk[0]!]!]} came back in ${evidence.length} transfers`, evidence);
  }
}
