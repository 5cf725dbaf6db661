import type { Address, Hex, TransferKind } from "../indexer/types.js";
import { TraceInputError } from "./errors.js";
import { amountOf, checkpointOf, degree, kindOf, referenceOf, txHashOf } from "./model.js";
import type { TraceModel } from "./model.js";
import {
  DEFAULT_HUB_DEGREE, DEFAULT_MAX_EDGES, MAX_HOPS, MAX_MAX_EDGES, MIN_HOPS, checkRange, seqWindow, transferSeq, walletNumber,
} from "./options.js";
import type { WindowOptions } from "./options.js";
import { search } from "./search.js";
import type { Direction } from "./search.js";
import type { WalletStatus } from "./registry.js";

/** Where a trace starts: a wallet (all its funds) or one transfer (the funds it moved). */
export type TraceStart = { wallet: string } | { transfer: string };

/** Options of a forward or backward trace. */
export interface TraceOptions extends WindowOptions {
  /** Number of hops, 1..{@link MAX_HOPS}. */
  hops: number;
  /** Wallets touched by more transfers than this are reported but not followed (default {@link DEFAULT_HUB_DEGREE}). */
  hubDegree?: number;
  /** Cap on edges returned, 1..{@link MAX_MAX_EDGES} (default {@link DEFAULT_MAX_EDGES}). */
  maxEdges?: number;
}

/** A wallet's permission state when a transfer happened. */
export interface PartyState {
  status: WalletStatus;
  denylisted: boolean;
}

/** One transfer in a trace result. */
export interface TraceEdge {
  /** The transfer's id: its encoded checkpoint. */
  id: string;
  /** Hops from the start (0 for the starting transfer itself). */
  hop: number;
  from: Address;
  to: Address;
  /** Base units. */
  amount: bigint;
  /** True for a zero-amount transfer: listed, but it carries nothing and is not followed (rule Z1). */
  zeroValue: boolean;
  block: number;
  timestamp: number;
  txHash: Hex;
  kind: TransferKind;
  lot: Hex | null;
  reference: Hex | null;
  /** The sender's registry state just before the transfer. */
  fromState: PartyState;
  /** The recipient's registry state just before the transfer ("was it frozen when it received?"). */
  toState: PartyState;
}

/** A wallet in a trace result. */
export interface TraceWallet {
  address: Address;
  /** Smallest hop at which it appears (0 for the start). */
  hop: number;
  /** Touched by more transfers than the hub threshold, so not followed. */
  hub: boolean;
  /** Transfers touching it (in and out). */
  degree: number;
}

/** The answer of {@link traceForward} / {@link traceBackward}. */
export interface TraceResult {
  direction: Direction;
  start: TraceStart;
  options: Required<Pick<TraceOptions, "hops" | "hubDegree" | "maxEdges">> & WindowOptions;
  /** Sorted by (hop, id). */
  edges: TraceEdge[];
  /** Sorted by (hop, address). */
  wallets: TraceWallet[];
  /** True when the edge cap cut the answer short. */
  truncated: boolean;
  /** The block the answer was computed at. */
  atBlock: number;
}

/** Builds one result edge from a seq (shared by every query that returns transfers). */
export function traceEdge(model: TraceModel, seq: number, hop: number): TraceEdge {
  const cp = checkpointOf(model, seq);
  const from = model.address[model.from[seq]!]!;
  const to = model.address[model.to[seq]!]!;
  const party = (a: Address): PartyState => {
    const s = model.registry.walletAt(a, cp);
    return { status: s.status, denylisted: s.denylisted };
  };
  const lot = model.lot[seq]!;
  return {
    id: cp, hop, from, to, amount: amountOf(model, seq), zeroValue: amountOf(model, seq) === 0n, block: model.block[seq]!, timestamp: model.time[seq]!, txHash: txHashOf(model, seq),
    kind: kindOf(model, seq), lot: lot < 0 ? null : model.lots[lot]!, reference: referenceOf(model, seq), fromState: party(from), toState: party(to),
  };
}

/** Per wallet number: 1 + its smallest hop so far in {@link edgeWallets} (0: not seen); left all zeros after each use. */
let hopScratch = new Uint8Array(1024);

/**
 * The wallets of a set of edges (transfers `seqs`, at `hops`) with their smallest hop, sorted by (hop, address)
 * (shared by trace and path results). Works on wallet numbers: no address look-up per edge.
 */
export function edgeWallets(
  model: TraceModel, seqs: ArrayLike<number>, hops: ArrayLike<number>, starts: readonly number[], hubDegree: number,
  window: { lo: number; hi: number } = { lo: 0, hi: model.size },
): TraceWallet[] {
  if (hopScratch.length < model.address.length) hopScratch = new Uint8Array(Math.ceil(model.address.length * 1.25));
  const seen = hopScratch;
  const wallets: number[] = [];
  const note = (w: number, hop: number) => {
    if (w === 0) return; // the zero address is never a wallet (rule W1): mints and burns say so by kind
    const h = seen[w]!;
    if (h === 0) wallets.push(w);
    if (h === 0 || hop + 1 < h) seen[w] = hop + 1;
  };
  for (const w of starts) note(w, 0);
  for (let i = 0; i < seqs.length; i++) {
    note(model.from[seqs[i]!]!, hops[i]!);
    note(model.to[seqs[i]!]!, hops[i]!);
  }
  const out = wallets.map((w) => {
    const d = degree(model, w, window.lo, window.hi);
    const hop = seen[w]! - 1;
    seen[w] = 0;
    return { address: model.address[w]!, hop, hub: d > hubDegree, degree: d };
  });
  return out.sort((a, b) => a.hop - b.hop || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/** Validates the shared trace options. */
export function traceSettings(options: TraceOptions): { hops: number; hubDegree: number; maxEdges: number } {
  return {
    hops: checkRange("hops-out-of-range", "hops (k)", options.hops, MIN_HOPS, MAX_HOPS),
    hubDegree: checkRange("bad-parameter", "hubDegree", options.hubDegree ?? DEFAULT_HUB_DEGREE, 1, Number.MAX_SAFE_INTEGER),
    maxEdges: checkRange("edges-out-of-range", "maxEdges", options.maxEdges ?? DEFAULT_MAX_EDGES, 1, MAX_MAX_EDGES),
  };
}

function trace(model: TraceModel, direction: Direction, start: TraceStart, options: TraceOptions): TraceResult {
  const settings = traceSettings(options);
  const window = seqWindow(model, options);
  const forward = direction === "forward";
  let first: number | null = null;
  let wallet: number;
  let bound: number;
  if ("wallet" in start) {
    wallet = walletNumber(model, start.wallet);
    bound = forward ? -1 : model.size;
  } else if ("transfer" in start) {
    first = transferSeq(model, start.transfer);
    wallet = forward ? model.to[first]! : model.from[first]!;
    bound = first;
    if (wallet === 0) {
      throw new TraceInputError("unknown-transfer", `transfer ${start.transfer} is a ${forward ? "burn" : "mint"}: there is nothing to trace ${direction}`);
    }
  } else {
    throw new TraceInputError("bad-parameter", "a trace starts from { wallet } or { transfer }");
  }
  // The start transfer is always listed (rule P2) and takes one place under the cap; with no place left the
  // search only probes whether anything lies downstream, so `truncated` is true only when something was cut.
  const cap = settings.maxEdges - (first === null ? 0 : 1);
  // A zero-value or self-transfer start carries nothing onward (rules Z1, S1): it is listed alone.
  const followStart = first === null || (amountOf(model, first) !== 0n && model.from[first] !== model.to[first]);
  const r = followStart
    ? search(model, { direction, starts: [{ wallet, bound }], hops: settings.hops, window, hubDegree: settings.hubDegree, maxEdges: cap })
    : { edges: new Int32Array(0), hops: new Uint8Array(0), truncated: false };
  const edges: TraceEdge[] = [];
  const seqs = first === null ? r.edges : [first, ...r.edges];
  const hops = first === null ? r.hops : [0, ...r.hops];
  for (let i = 0; i < seqs.length; i++) edges.push(traceEdge(model, seqs[i]!, hops[i]!));
  const starts = first === null ? [wallet] : [model.from[first]!, model.to[first]!];
  return {
    direction,
    start,
    options: { ...options, ...settings },
    edges,
    wallets: edgeWallets(model, seqs, hops, starts, settings.hubDegree, window),
    truncated: r.truncated,
    atBlock: model.tip.block,
  };
}

/**
 * Follows funds forward from a wallet or a transfer: every transfer that lies on a time-respecting walk of at
 * most `hops` transfers from the start (funds leave a wallet only after they arrived), within the block, time
 * and amount windows, not passing through hubs. Each transfer is reported at its smallest hop.
 * @throws TraceInputError for a malformed or unknown wallet, an unknown transfer, hops out of 1..10, a bad window.
 * @example traceForward(model, { wallet: "0xabc…" }, { hops: 3 }).edges
 */
export function traceForward(model: TraceModel, start: TraceStart, options: TraceOptions): TraceResult {
  return trace(model, "forward", start, options);
}

/**
 * Follows funds backward into a wallet or a transfer: every transfer that lies on a time-respecting walk of at
 * most `hops` transfers ending at the start. Same rules and errors as {@link traceForward}.
 * @example traceBackward(model, { wallet: "0xabc…" }, { hops: 3 }).edges
 */
export function traceBackward(model: TraceModel, start: TraceStart, options: TraceOptions): TraceResult {
  return trace(model, "backward", start, options);
}
