import type { Address } from "../indexer/types.js";
import { TraceInputError } from "./errors.js";
import { traceEdge } from "./trace.js";
import type { TraceEdge } from "./trace.js";
import type { TraceModel } from "./model.js";
import { checkRange, seqWindow, walletNumber } from "./options.js";
import { search } from "./search.js";

/** The patterns {@link alerts} looks for. */
export type AlertType = "structuring" | "velocity" | "fan-in" | "round-trip" | "pass-through";
/** Every alert type. */
export const ALERT_TYPES: readonly AlertType[] = ["structuring", "velocity", "fan-in", "round-trip", "pass-through"];

const TRANSFER = 0;
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
  /** The wallet the pattern is about. */
  wallet: Address;
  /** Id of the transfer that completed the pattern. */
  at: string;
  /** One line for a human. */
  summary: string;
  /** The transfers behind the alert, in order (round trip: the walk out and back, hop = position). */
  evidence: TraceEdge[];
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
 * Greedy episodes over one wallet's transfers (ascending seqs): from each transfer, the group of transfers within
 * `windowSeconds` of it; a group that `qualifies` becomes an alert and the scan resumes after it.
 */
function episodes(model: TraceModel, seqs: readonly number[], windowSeconds: number, qualifies: (group: number[]) => boolean, emit: (group: number[]) => void): void {
  let i = 0;
  while (i < seqs.length) {
    const t0 = model.time[seqs[i]!]!;
    let j = i;
    while (j < seqs.length && model.time[seqs[j]!]! - t0 <= windowSeconds) j++;
    const group = seqs.slice(i, j);
    if (qualifies(group)) {
      emit(group);
      i = j;
    } else i++;
  }
}

/** Seqs of wallet w's outgoing (or incoming) ordinary transfers below `hi`. */
function sides(model: TraceModel, w: number, hi: number, out: boolean): number[] {
  const start = out ? model.outStart : model.inStart;
  const list = out ? model.outSeq : model.inSeq;
  const r: number[] = [];
  for (let i = start[w]!; i < start[w + 1]! && list[i]! < hi; i++) if (model.kind[list[i]!] === TRANSFER) r.push(list[i]!);
  return r;
}

/**
 * Alerts: structuring just under tier limits, velocity spikes against the wallet's own history, fan-in, round
 * trips and rapid pass-through, each with the transfers behind it. Only ordinary transfers count (not issues,
 * redemptions, seizures or recoveries). Sorted by the completing transfer, then type.
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
    out.push({ type, wallet: model.address[w]!, at: model.checkpoint[at]!, summary, evidence });

  for (const w of wallets) {
    const sent = sides(model, w, hi, true);
    const received = sides(model, w, hi, false);
    if (types.includes("structuring")) {
      const { windowSeconds, minCount, margin } = rules.structuring;
      const near = sent.filter((s) => {
        const state = model.registry.walletAt(model.address[w]!, model.checkpoint[s]!);
        const limit = model.registry.tierAt(state.tier, model.checkpoint[s]!)?.maxTransfer;
        if (state.status === "unregistered" || limit === undefined || limit === 0n || limit >= UNLIMITED) return false;
        return model.amountF[s]! >= (1 - margin) * Number(limit) && model.amount[s]! <= limit;
      });
      episodes(model, near, windowSeconds, (g) => g.length >= minCount, (g) =>
        add("structuring", w, g.at(-1)!, `${g.length} transfers within ${margin * 100}% under the tier's single-transfer limit in ${windowSeconds} s`, edges(g)));
    }
    if (types.includes("fan-in")) {
      const { windowSeconds, minSenders } = rules.fanIn;
      const senders = (g: number[]) => new Set(g.map((s) => model.from[s]!)).size;
      episodes(model, received, windowSeconds, (g) => senders(g) >= minSenders, (g) =>
        add("fan-in", w, g.at(-1)!, `${senders(g)} distinct senders within ${windowSeconds} s`, edges(g)));
    }
    if (types.includes("velocity") && sent.length > 0) {
      const { factor, lookbackDays, minAmount } = rules.velocity;
      const firstSeen = Math.floor(Math.min(model.time[sent[0]!]!, received.length > 0 ? model.time[received[0]!]! : Infinity) / DAY);
      const byDay = new Map<number, number[]>();
      for (const s of sent) {
        const d = Math.floor(model.time[s]! / DAY);
        const list = byDay.get(d) ?? [];
        list.push(s);
        byDay.set(d, list);
      }
      const total = (seqs: readonly number[]) => seqs.reduce((x, s) => x + model.amount[s]!, 0n);
      for (const [d, seqs] of byDay) {
        if (firstSeen > d - lookbackDays) continue;
        let before = 0n;
        for (let k = d - lookbackDays; k < d; k++) before += total(byDay.get(k) ?? []);
        const today = total(seqs);
        const mean = Number(before) / lookbackDays;
        if (today >= minAmount && Number(today) >= factor * mean) {
          add("velocity", w, seqs.at(-1)!, `outflow ${today} on day ${d} is ${mean === 0 ? "above a quiet" : `${(Number(today) / mean).toFixed(1)}× the`} ${lookbackDays}-day mean`, edges(seqs));
        }
      }
    }
    if (types.includes("pass-through")) {
      const { windowSeconds, ratio } = rules.passThrough;
      let resumeAfter = -1;
      for (const i of received) {
        if (i <= resumeAfter) continue;
        const target = ratio * model.amountF[i]!;
        const leaving: number[] = [];
        let sum = 0;
        for (const o of sent) {
          if (o <= i) continue;
          if (model.time[o]! - model.time[i]! > windowSeconds) break;
          leaving.push(o);
          sum += model.amountF[o]!;
          if (sum >= target) break;
        }
        if (sum >= target && leaving.length > 0) {
          add("pass-through", w, leaving.at(-1)!, `${sum} of ${model.amount[i]} left within ${windowSeconds} s of arriving`, edges([i, ...leaving]));
          resumeAfter = leaving.at(-1)!;
        }
      }
    }
    if (types.includes("round-trip")) roundTrips(model, w, sent, rules.roundTrip, hi, add);
  }
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : ALERT_TYPES.indexOf(a.type) - ALERT_TYPES.indexOf(b.type)));
}

/**
 * Round trips out of wallet w: for each transfer w→b (skipping those inside an alert already raised), the
 * earliest transfer back into w that ends a time-respecting walk from b within `hops - 1` more transfers and
 * `windowSeconds` of the first. Evidence: one such walk, rebuilt from the edges' smallest hops.
 */
function roundTrips(
  model: TraceModel,
  w: number,
  sent: readonly number[],
  rule: AlertRules["roundTrip"],
  hi: number,
  add: (type: AlertType, w: number, at: number, summary: string, evidence: TraceEdge[]) => void,
): void {
  let resumeAfter = -1;
  for (const e of sent) {
    const b = model.to[e]!;
    if (e <= resumeAfter || b === w || b === 0) continue;
    const end = seqWindow(model, { toTime: model.time[e]! + rule.windowSeconds }).hi;
    const found = search(model, {
      direction: "forward", starts: [{ wallet: b, bound: e }], hops: rule.hops - 1,
      window: { lo: e + 1, hi: Math.min(hi, end), minAmount: undefined, maxAmount: undefined },
      hubDegree: Number.MAX_SAFE_INTEGER, maxEdges: null,
    });
    const hopOf = new Map<number, number>();
    let back = -1;
    for (let i = 0; i < found.edges.length; i++) {
      const s = found.edges[i]!;
      hopOf.set(s, found.hops[i]!);
      if (model.to[s] === w && (back < 0 || s < back)) back = s;
    }
    if (back < 0) continue;
    // Rebuild a walk b → … → w ending with `back`: step to the latest earlier edge into the current wallet
    // found at a smaller hop (one exists by construction of the hops).
    const walk = [back];
    let current = model.from[back]!;
    let bound = back;
    let hop = hopOf.get(back)!;
    while (hop > 1) {
      let pick = -1;
      for (let i = model.inStart[current]!; i < model.inStart[current + 1]!; i++) {
        const s = model.inSeq[i]!;
        if (s < bound && (hopOf.get(s) ?? Infinity) <= hop - 1 && s > pick) pick = s;
      }
      walk.unshift(pick);
      hop = hopOf.get(pick)!;
      bound = pick;
      current = model.from[pick]!;
    }
    const evidence = [e, ...walk].map((s, i) => traceEdge(model, s, i + 1));
    add("round-trip", w, back, `funds sent to ${model.address[b]} came back in ${evidence.length} transfers`, evidence);
    resumeAfter = back;
  }
}
