import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readToken, type ReadAt } from "../internal/contracts.js";
import { formatLimit, type Limit } from "../wallets.js";

/** Parameters of {@link getTierLimits}. */
export type GetTierLimitsParameters = ReadAt & {
  /** The KYC tier. */
  tier: number;
};

/** A tier's limits in token units; `null` means unlimited. */
export type GetTierLimitsReturnType = {
  tier: number;
  /** False when the tier has no limits set (all zero): wallets cannot be registered on it. */
  configured: boolean;
  maxBalance: Limit;
  maxTransfer: Limit;
  dailyOutflow: Limit;
};

/** Errors {@link getTierLimits} can throw. */
export type GetTierLimitsErrorType = ReadErrorType;

/**
 * Reads the limits of a KYC tier: maximum balance, maximum single transfer, daily outflow.
 *
 * @param client - a ledger client.
 * @param parameters - the tier.
 * @returns the limits.
 * @example
 * ```ts
 * const { dailyOutflow } = await getTierLimits(client, { tier: 1 }); // "500" or null (unlimited)
 * ```
 */
export async function getTierLimits(client: LedgerBaseClient, { tier, ...at }: GetTierLimitsParameters): Promise<GetTierLimitsReturnType> {
  const limits = await readToken(client, "tierLimits", [tier], at);
  const { decimals } = client.ledger;
  return {
    tier,
    configured: limits.maxBalance !== 0n || limits.maxTransfer !== 0n || limits.dailyOutflow !== 0n,
    maxBalance: formatLimit(limits.maxBalance, decimals),
    maxTransfer: formatLimit(limits.maxTransfer, decimals),
    dailyOutflow: formatLimit(limits.dailyOutflow, decimals),
  };
}
