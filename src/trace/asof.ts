import { blockEnd } from "../indexer/checkpoint.js";
import type { Address, Hex } from "../indexer/types.js";
import { TraceInputError } from "./errors.js";
import { keccak256, stringToHex } from "viem";
import { blockTime, checkpointOf } from "./model.js";
import type { TraceModel } from "./model.js";
import { transferSeq, walletNumber } from "./options.js";
import type { LotState, TierLimits, WalletState } from "./registry.js";
import { traceEdge } from "./trace.js";
import type { TraceEdge } from "./trace.js";

/** A wallet's registry record at a point in time, with what it meant then. */
export interface WalletAsOf {
  wallet: Address;
  state: WalletState;
  /** Its tier's limits then, or null if the tier had none. */
  limits: TierLimits | null;
  /** Whether its KYC had expired (the UTC day of the block's own time had reached its expiry day); null when that time is unknown. */
  kycExpired: boolean | null;
  /** Whether it could send or receive then: active, not denylisted, KYC valid; null when the time is unknown. */
  canMove: boolean | null;
  /** The time the facts were read at (the block's own timestamp, or the transfer's), or null. */
  time: number | null;
  /** Why `time` is null, else null. */
  timeNote: string | null;
}

/** The answer of {@link asOf}. */
export type AsOfResult =
  | { kind: "wallet"; atBlock: number; wallet: WalletAsOf }
  | { kind: "transfer"; transfer: TraceEdge; from: WalletAsOf; to: WalletAsOf }
  | {
    kind: "lot"; atBlock: number; lot: Hex; state: LotState;
    /** Whether the attestation had expired at the block's own time (its expiry UTC day had begun); null when unknown. */
    expired: boolean | null; time: number | null; timeNote: string | null;
  };

function describe(model: TraceModel, wallet: Address, checkpoint: string, time: { time: number | null; reason: string | null }): WalletAsOf {
  const state = model.registry.walletAt(wallet, checkpoint);
  const limits = model.registry.tierAt(state.tier, checkpoint);
  const kycExpired = time.time === null ? null : Math.floor(time.time / 86_400) >= state.kycExpiryDay;
  return {
    wallet, state, limits, kycExpired,
    canMove: kycExpired === null ? null : state.status === "active" && !state.denylisted && !kycExpired,
    time: time.time, timeNote: time.reason,
  };
}

/**
 * A lot id from what a user typed: 0x and 64 hex digits, or a label such as WR-0001 whose keccak256 is the id
 * (as `goods-ledger lot` makes ids).
 */
export function lotIdOf(value: string): Hex {
  if (/^0x[0-9a-fA-F]{64}$/.test(value)) return value.toLowerCase() as Hex;
  if (value.startsWith("0x") || value.trim() === "") throw new TraceInputError("bad-parameter", `malformed lot id "${value}": expected a label (e.g. WR-0001) or 0x followed by 64 hex digits`);
  return keccak256(stringToHex(value));
}

/**
 * Registry state as of a block: was this wallet active, frozen or denylisted, what were its tier's limits, had
 * its KYC expired? For a transfer: both parties' records just before it ("was it frozen when it received?").
 * For a lot: its reserve record.
 * @param target - `{ wallet, block? }` (default block: the tip), `{ transfer }` (id or txHash:logIndex), or `{ lot, block? }`.
 * @throws TraceInputError for a malformed or unknown wallet, an unknown transfer or lot, a block above the tip.
 * @example asOf(model, { wallet: "0xabc…", block: 120 }).wallet.state.status
 */
export function asOf(model: TraceModel, target: { wallet: string; block?: number } | { transfer: string } | { lot: string; block?: number }): AsOfResult {
  if ("transfer" in target) {
    const seq = transferSeq(model, target.transfer);
    const edge = traceEdge(model, seq, 0);
    // Records are read at the transfer's own checkpoint: every registry event before it, none after.
    const cp = checkpointOf(model, seq);
    const time = { time: edge.timestamp, reason: null };
    return { kind: "transfer", transfer: edge, from: describe(model, edge.from, cp, time), to: describe(model, edge.to, cp, time) };
  }
  const block = target.block ?? model.tip.block;
  if (!Number.isSafeInteger(block) || block < 0 || block > model.tip.block) {
    throw new TraceInputError("bad-window", `block ${block} is outside the indexed blocks 0..${model.tip.block}`);
  }
  const time = blockTime(model, block); // the queried block's own time, never a neighbour's (rule T1)
  if ("lot" in target) {
    const lot = lotIdOf(target.lot);
    if (!model.lotId.has(lot)) throw new TraceInputError("unknown-lot", `unknown lot ${target.lot === lot ? lot : `"${target.lot}" (id ${lot})`} up to block ${model.tip.block}`);
    const state = model.registry.lotAt(lot, blockEnd(block));
    const expired = state.status === "none" ? false : time.time === null ? null : Math.floor(time.time / 86_400) >= Math.floor(state.expiresAt / 86_400);
    return { kind: "lot", atBlock: block, lot, state, expired, time: time.time, timeNote: time.reason };
  }
  const w = walletNumber(model, target.wallet);
  return { kind: "wallet", atBlock: block, wallet: describe(model, model.address[w]!, blockEnd(block), time) };
}
