import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readReserve, type ReadAt } from "../internal/contracts.js";

/** Parameters of {@link getGoodsReleaseCount}: optionally a block. */
export type GetGoodsReleaseCountParameters = ReadAt;

/** How many goods-release records exist (the last id). */
export type GetGoodsReleaseCountReturnType = bigint;

/** Errors {@link getGoodsReleaseCount} can throw. */
export type GetGoodsReleaseCountErrorType = ReadErrorType;

/**
 * Reads the number of goods-release records.
 *
 * @param client - a ledger client.
 * @param parameters - optionally a block.
 * @returns the count.
 * @example
 * ```ts
 * const last = await getGoodsReleaseCount(client);
 * ```
 */
export function getGoodsReleaseCount(client: LedgerBaseClient, parameters: GetGoodsReleaseCountParameters = {}): Promise<GetGoodsReleaseCountReturnType> {
  return readReserve(client, "goodsReleaseCount", [], parameters);
}
