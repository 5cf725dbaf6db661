import { formatAmount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readReserve, type ReadAt } from "../internal/contracts.js";

/** Parameters of {@link getValidReserves}: optionally a block. */
export type GetValidReservesParameters = ReadAt;

/** The valid reserves in token units. */
export type GetValidReservesReturnType = string;

/** Errors {@link getValidReserves} can throw. */
export type GetValidReservesErrorType = ReadErrorType;

/**
 * Reads the valid reserves: Σ `valuation − redeemed` over lots that are active and not expired. Total
 * supply can never exceed it.
 *
 * @param client - a ledger client.
 * @param parameters - optionally a block.
 * @returns the reserves in token units.
 * @example
 * ```ts
 * const reserves = await getValidReserves(client);
 * ```
 */
export async function getValidReserves(client: LedgerBaseClient, parameters: GetValidReservesParameters = {}): Promise<GetValidReservesReturnType> {
  return formatAmount(await readReserve(client, "validReserves", [], parameters), client.ledger.decimals);
}
