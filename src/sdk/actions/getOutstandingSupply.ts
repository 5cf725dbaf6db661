import { formatAmount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readReserve, type ReadAt } from "../internal/contracts.js";

/** Parameters of {@link getOutstandingSupply}: optionally a block. */
export type GetOutstandingSupplyParameters = ReadAt;

/** Σ issued − Σ redeemed over all lots, in token units. */
export type GetOutstandingSupplyReturnType = string;

/** Errors {@link getOutstandingSupply} can throw. */
export type GetOutstandingSupplyErrorType = ReadErrorType;

/**
 * Reads the supply the reserve registry accounts for (Σ issued − Σ redeemed): the figure capped by the valid
 * reserves. It equals the token's total supply; compare the two to reconcile.
 *
 * @param client - a ledger client.
 * @param parameters - optionally a block.
 * @returns the outstanding supply in token units.
 * @example
 * ```ts
 * const [supply, reserves] = await Promise.all([getOutstandingSupply(client), getValidReserves(client)]);
 * ```
 */
export async function getOutstandingSupply(client: LedgerBaseClient, parameters: GetOutstandingSupplyParameters = {}): Promise<GetOutstandingSupplyReturnType> {
  return formatAmount(await readReserve(client, "outstandingSupply", [], parameters), client.ledger.decimals);
}
