import { encodeCheckpoint, isCheckpoint } from "../indexer/checkpoint.js";
import { ZERO_ADDRESS, isAddress } from "../indexer/types.js";
import type { Address, Hex } from "../indexer/types.js";
import { TraceInputError } from "./errors.js";
import type { TraceModel } from "./model.js";
import { checkpointOf, findTransferByHash } from "./model.js";
import { lowerBound } from "./search.js";

/** Hop counts a trace or path query accepts. */
export const MIN_HOPS = 1;
/** Hop counts a trace or path query accepts. */
export const MAX_HOPS = 10;
/** Default cap on the edges a query returns. */
export const DEFAULT_MAX_EDGES = 10_000;
/** Largest cap on the edges a query may ask for. */
export const MAX_MAX_EDGES = 100_000;
/** Default hub threshold: wallets touched by more transfers than this are reported but not followed. */
export const DEFAULT_HUB_DEGREE = 1_000;

/** Which transfers a query may follow: a block or time window and an amount window (all inclusive). */
export interface WindowOptions {
  /** First block (inclusive). */
  fromBlock?: number;
  /** Last block (inclusive). */
  toBlock?: number;
  /** First timestamp, unix seconds (inclusive). */
  fromTime?: number;
  /** Last timestamp, unix seconds (inclusive). */
  toTime?: number;
  /** Smallest amount followed, base units (inclusive). */
  minAmount?: bigint;
  /** Largest amount followed, base units (inclusive). */
  maxAmount?: bigint;
}

/** A window turned into the model's terms: seqs `lo..hi-1` and an amount range. */
export interface SeqWindow {
  lo: number;
  hi: number;
  minAmount: bigint | undefined;
  maxAmount: bigint | undefined;
}

function checkInteger(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
    throw new TraceInputError("bad-window", `${name} must be a non-negative integer, got ${value}`);
  }
}

/**
 * Validates a window and maps it onto the model's seqs (blocks and timestamps are non-decreasing in seq).
 * @throws TraceInputError (`bad-window`, `bad-amount`) naming the bound at fault.
 */
export function seqWindow(model: TraceModel, w: WindowOptions): SeqWindow {
  checkInteger("fromBlock", w.fromBlock);
  checkInteger("toBlock", w.toBlock);
  checkInteger("fromTime", w.fromTime);
  checkInteger("toTime", w.toTime);
  if (w.fromBlock !== undefined && w.toBlock !== undefined && w.fromBlock > w.toBlock) {
    throw new TraceInputError("bad-window", `block window is empty: fromBlock ${w.fromBlock} > toBlock ${w.toBlock}`);
  }
  if (w.fromTime !== undefined && w.toTime !== undefined && w.fromTime > w.toTime) {
    throw new TraceInputError("bad-window", `time window is empty: fromTime ${w.fromTime} > toTime ${w.toTime}`);
  }
  for (const [name, value] of [["minAmount", w.minAmount], ["maxAmount", w.maxAmount]] as const) {
    if (value !== undefined && value < 0n) throw new TraceInputError("bad-amount", `${name} must not be negative, got ${value}`);
  }
  if (w.minAmount !== undefined && w.maxAmount !== undefined && w.minAmount > w.maxAmount) {
    throw new TraceInputError("bad-amount", `amount window is empty: minAmount ${w.minAmount} > maxAmount ${w.maxAmount}`);
  }
  const n = model.size;
  let lo = 0;
  let hi = n;
  if (w.fromBlock !== undefined) lo = Math.max(lo, lowerBound(model.block, 0, n, w.fromBlock));
  if (w.toBlock !== undefined) hi = Math.min(hi, lowerBound(model.block, 0, n, w.toBlock + 1));
  if (w.fromTime !== undefined) lo = Math.max(lo, lowerBound(model.time, 0, n, w.fromTime));
  if (w.toTime !== undefined) hi = Math.min(hi, lowerBound(model.time, 0, n, w.toTime + 1));
  return { lo, hi: Math.max(lo, hi), minAmount: w.minAmount, maxAmount: w.maxAmount };
}

/**
 * Resolves a wallet given by address.
 * @returns its wallet number in the model.
 * @throws TraceInputError (`malformed-address`) for anything but 0x + 40 hex digits, (`unknown-wallet`) for the
 *   zero address or an address with no transfer and no registry record up to the model's block.
 */
export function walletNumber(model: TraceModel, value: string): number {
  if (!isAddress(value)) throw new TraceInputError("malformed-address", `malformed address "${value}": expected 0x followed by 40 hex digits`);
  const address = value.toLowerCase() as Address;
  if (address === ZERO_ADDRESS) throw new TraceInputError("unknown-wallet", "the zero address is not a wallet (it stands for mints and burns)");
  const id = model.walletId.get(address);
  if (id === undefined) {
    throw new TraceInputError("unknown-wallet", `unknown wallet ${address}: no transfer or registry record up to block ${model.tip.block}`);
  }
  return id;
}

/**
 * Resolves a transfer given by its id: its encoded checkpoint, `block.txIndex.logIndex`, or `txHash:logIndex`.
 * @returns its seq in the model.
 * @throws TraceInputError (`unknown-transfer`) when no such transfer is indexed.
 */
export function transferSeq(model: TraceModel, id: string): number {
  let target: string | undefined;
  const short = /^(\d+)\.(\d+)\.(\d+)$/.exec(id);
  if (isCheckpoint(id)) target = id;
  else if (short !== null) {
    try {
      target = encodeCheckpoint({ block: Number(short[1]), txIndex: Number(short[2]), logIndex: Number(short[3]) });
    } catch (error) {
      throw new TraceInputError("unknown-transfer", `transfer "${id}" is not a transfer id: ${(error as Error).message}`);
    }
  }
  else {
    const m = /^(0x[0-9a-fA-F]{64}):(\d+)$/.exec(id);
    if (m === null) {
      throw new TraceInputError("unknown-transfer", `transfer "${id}" is neither a transfer id (block.tx.log, or 32 digits) nor txHash:logIndex`);
    }
    const seq = findTransferByHash(model, m[1]! as Hex, Number(m[2]));
    if (seq >= 0) return seq;
    throw new TraceInputError("unknown-transfer", `unknown transfer ${id} up to block ${model.tip.block}`);
  }
  let lo = 0;
  let hi = model.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (checkpointOf(model, mid) < target) lo = mid + 1;
    else hi = mid;
  }
  if (lo === model.size || checkpointOf(model, lo) !== target) {
    throw new TraceInputError("unknown-transfer", `unknown transfer ${id} up to block ${model.tip.block}`);
  }
  return lo;
}

/**
 * Checks an integer parameter against its range.
 * @throws TraceInputError with `code`, naming the parameter and the range.
 */
export function checkRange(code: "hops-out-of-range" | "edges-out-of-range" | "bad-parameter", name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TraceInputError(code, `${name} out of range: ${value} (must be an integer from ${min} to ${max})`);
  }
  return value;
}
