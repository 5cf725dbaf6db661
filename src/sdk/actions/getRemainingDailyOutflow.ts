import type { Address } from "viem";
import { formatAmount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readToken, type ReadAt } from "../internal/contracts.js";

/** Parameters of {@link getRemainingDailyOutflow}. */
export type GetRemainingDailyOutflowParameters = ReadAt & {
  /** The wallet. */
  account: Address;
};

/** What the wallet may still send today, in token units, as the contract computes it. */
export type GetRemainingDailyOutflowReturnType = string;

/** Errors {@link getRemainingDailyOutflow} can throw. */
export type GetRemainingDailyOutflowErrorType = ReadErrorType;

/**
 * Reads the contract's `remainingDailyOutflow`: what is left of the wallet's daily outflow limit today
 * (0 for an unregistered wallet). For the full picture (single-transfer limit, balance), use
 * {@link getLimitLeftToday}.
 *
 * @param client - a ledger client.
 * @param parameters - the wallet.
 * @returns the amount left today.
 * @example
 * ```ts
 * const left = await getRemainingDailyOutflow(client, { account });
 * ```
 */
export async function getRemainingDailyOutflow(
  client: LedgerBaseClient,
  { account, ...at }: GetRemainingDailyOutflowParameters,
): Promise<GetRemainingDailyOutflowReturnType> {
  return formatAmount(await readToken(client, "remainingDailyOutflow", [account], at), client.ledger.decimals);
}
