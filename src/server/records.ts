/**
 * Registry records of many wallets at once (`POST /api/asof/wallets`): what the page needs to name and style
 * every wallet of a drawn graph, in one request instead of one per wallet (a 200-wallet graph took 10 s of
 * requests under the per-token rate limit).
 */
import { asOf, type WalletAsOf } from "../trace/asof.js";
import { TraceInputError } from "../trace/errors.js";
import type { TraceModel } from "../trace/model.js";

/** Most wallets one request may ask for (the OpenAPI document's `maxItems`). */
export const MAX_WALLET_RECORDS = 1_000;

/** The answer of {@link walletRecords}. */
export interface WalletRecords {
  kind: "wallets";
  /** The block the records are read at. */
  atBlock: number;
  /** One per wallet asked for, in the same order: its record as `GET /api/asof?wallet=` gives it, or null for a wallet the index does not know. */
  records: (WalletAsOf | null)[];
}

/**
 * Each wallet's registry record as of `block` (default: the model's tip), as {@link asOf} reads one.
 * @throws TraceInputError for a block outside the indexed blocks (the whole request is refused); an unknown
 *   wallet is answered null, so one stale address does not cost the page every other record.
 */
export function walletRecords(model: TraceModel, wallets: readonly string[], block?: number): WalletRecords {
  const atBlock = block ?? model.tip.block;
  const records = wallets.map((wallet) => {
    try {
      const r = asOf(model, { wallet, block: atBlock });
      return r.kind === "wallet" ? r.wallet : null;
    } catch (error) {
      if (error instanceof TraceInputError && error.code === "unknown-wallet") return null;
      throw error;
    }
  });
  return { kind: "wallets", atBlock, records };
}
