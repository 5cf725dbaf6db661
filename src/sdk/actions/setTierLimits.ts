import type { Hash } from "viem";
import type { Amount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { writeToken } from "../internal/contracts.js";
import { parseLimit } from "../wallets.js";

/** Parameters of {@link setTierLimits}; `null` means unlimited. */
export type SetTierLimitsParameters = {
  tier: number;
  maxBalance: Amount | null;
  maxTransfer: Amount | null;
  dailyOutflow: Amount | null;
};

/** The transaction hash. */
export type SetTierLimitsReturnType = Hash;

/** Errors {@link setTierLimits} can throw. */
export type SetTierLimitsErrorType = WriteErrorType<"WalletRegistryInvalidTierLimits">;

/**
 * Sets a KYC tier's limits (COMPLIANCE_ROLE). Each limit is at most 2^64 − 2 base units; `null` = unlimited.
 *
 * @param client - a ledger client whose account holds COMPLIANCE_ROLE.
 * @param parameters - the tier and its limits.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await setTierLimits(client, { tier: 1, maxBalance: "1000", maxTransfer: "250", dailyOutflow: "500" });
 * ```
 */
export function setTierLimits(client: LedgerBaseClient, { tier, maxBalance, maxTransfer, dailyOutflow }: SetTierLimitsParameters): Promise<SetTierLimitsReturnType> {
  const { decimals } = client.ledger;
  return writeToken(client, "setTierLimits", [tier, parseLimit(maxBalance, decimals), parseLimit(maxTransfer, decimals), parseLimit(dailyOutflow, decimals)]);
}
