import { blockEnd } from "../indexer/checkpoint.js";
import type { Address, Hex } from "../indexer/types.js";
import { TraceInputError } from "./errors.js";
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
  /** Whether its KYC had expired (the UTC day had reached its expiry day); null when the time is unknown. */
  kycExpired: boolean | null;
  /** Whether it could send or receive then: active, not denylisted, KYC valid. */
  canMove: boolean | null;
}

/** The answer of {@link asOf}. */
export type AsOfResult =
  | { kind: "wallet"; atBlock: number; wallet: WalletAsOf }
  | { kind: "transfer"; transfer: TraceEdge; from: WalletAsOf; to: WalletAsOf }
  | { kind: "lot"; atBlock: number; lot: Hex; state: LotState };

function describe(model: TraceModel, wallet: Address, checkpoint: string, time: number | null): WalletAsOf {
  const state = model.registry.walletAt(wallet, checkpoint);
  const limits = model.registry.tierAt(state.tier, checkpoint);
  const kycExpired = time === null ? null : Math.floor(time / 86_400) >= state.kycExpiryDay;
  return {
    wallet, state, limits, kycExpired,
    canMove: kycExpired === null ? null : state.status === "active" && !state.denylisted && !kycExpired,
  };
}

/** The last timestamp at or before a block that the model knows, or null. */
function timeAt(model: TraceModel, block: number): number | null {
  if (block === model.tip.block && model.tip.timestamp !== null) return model.tip.timestamp;
  let lo = 0;
  let hi = model.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (model.block[mid]! <= block) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? null : model.time[lo - 1]!;
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
    const cp = model.checkpoint[seq]!;
    return { kind: "transfer", transfer: edge, from: describe(model, edge.from, cp, edge.timestamp), to: describe(model, edge.to, cp, edge.timestamp) };
  }
  const block = target.block ?? model.tip.block;
  if (!Number.isSafeInteger(block) || block < 0 || block > model.tip.block) {
    throw new TraceInputError("bad-window", `block ${block} is outside the indexed blocks 0..${model.tip.block}`);
  }
  if ("lot" in target) {
    const lot = target.lot.toLowerCase() as Hex;
    if (!/^0x[0-9a-f]{64}$/.test(lot)) throw new TraceInputError("bad-parameter", `malformed lot id "${target.lot}": expected 0x followed by 64 hex digits`);
    if (!model.lotId.has(lot)) throw new TraceInputError("unknown-lot", `unknown lot ${lot} up to block ${model.tip.block}`);
    return { kind: "lot", atBlock: block, lot, state: model.registry.lotAt(lot, blockEnd(block)) };
  }
  const w = walletNumber(model, target.wallet);
  return { kind: "wallet", atBlock: block, wallet: describe(model, model.address[w]!, blockEnd(block), timeAt(model, block)) };
}
