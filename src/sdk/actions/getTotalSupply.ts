import { formatAmount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readToken, type ReadAt } from "../internal/contracts.js";

/** Parameters of {@link getTotalSupply}: optionally a block. */
export type GetTotalSupplyParameters = ReadAt;

/** The total supply as a decimal string in token units. */
export type GetTotalSupplyReturnType = string;

/** Errors {@link getTotalSupply} can throw. */
export type GetTotalSupplyErrorType = ReadErrorType;

/**
 * Reads the token's total supply: everything issued and not redeemed.
 *
 * @param client - a ledger client.
 * @param parameters - optionally a block.
 * @returns the supply in token units.
 * @example
 * ```ts
 * const supply = await getTotalSupply(client);
 * ```
 */
export async function getTotalSupply(client: LedgerBaseClient, parameters: GetTotalSupplyParameters = {}): Promise<GetTotalSupplyReturnType> {
  return formatAmount(await readToken(client, "totalSupply", [], parameters), client.ledger.decimals);
}
