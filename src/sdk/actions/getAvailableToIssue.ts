import type { Hex } from "viem";
import { formatAmount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readReserve, type ReadAt } from "../internal/contracts.js";

/** Parameters of {@link getAvailableToIssue}. */
export type GetAvailableToIssueParameters = ReadAt & {
  /** The lot id. */
  lot: Hex;
};

/** How much more the lot can back, in token units (0 when disputed, released, expired or unknown). */
export type GetAvailableToIssueReturnType = string;

/** Errors {@link getAvailableToIssue} can throw. */
export type GetAvailableToIssueErrorType = ReadErrorType;

/**
 * Reads how much more can be issued against a lot now (`valuation − issued`). The total-reserves cap is
 * separate: see {@link getValidReserves}.
 *
 * @param client - a ledger client.
 * @param parameters - the lot id.
 * @returns the amount in token units.
 * @example
 * ```ts
 * const room = await getAvailableToIssue(client, { lot });
 * ```
 */
export async function getAvailableToIssue(client: LedgerBaseClient, { lot, ...at }: GetAvailableToIssueParameters): Promise<GetAvailableToIssueReturnType> {
  return formatAmount(await readReserve(client, "availableToIssue", [lot], at), client.ledger.decimals);
}
