import type { Hex } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readReserve, type ReadAt } from "../internal/contracts.js";
import { toLotRecord, type LotRecord } from "../lots.js";

/** Parameters of {@link getLot}. */
export type GetLotParameters = ReadAt & {
  /** The lot id (see `lotId`). */
  lot: Hex;
};

/** The lot's record (`status: "none"` when it does not exist). */
export type GetLotReturnType = LotRecord;

/** Errors {@link getLot} can throw. */
export type GetLotErrorType = ReadErrorType;

/**
 * Reads a goods lot: goods, valuation, issued and redeemed amounts, custodian, attestation and status.
 *
 * @param client - a ledger client.
 * @param parameters - the lot id.
 * @returns the record.
 * @example
 * ```ts
 * const { valuation, outstanding, status } = await getLot(client, { lot: lotId("LOT-A") });
 * ```
 */
export async function getLot(client: LedgerBaseClient, { lot, ...at }: GetLotParameters): Promise<GetLotReturnType> {
  return toLotRecord(lot, await readReserve(client, "lotInfo", [lot], at), client.ledger.decimals);
}
