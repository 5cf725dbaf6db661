import { zeroHash, type Hex } from "viem";
import { formatAmount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readReserve, type ReadAt } from "../internal/contracts.js";

/** Parameters of {@link getGoodsRelease}. */
export type GetGoodsReleaseParameters = ReadAt & {
  /** The release id, from 1. */
  releaseId: bigint;
};

/** A goods-release record, or undefined for an unknown id. */
export type GetGoodsReleaseReturnType =
  | { releaseId: bigint; lot: Hex; amount: string; quantity: bigint; releasedAt: bigint; reference: Hex }
  | undefined;

/** Errors {@link getGoodsRelease} can throw. */
export type GetGoodsReleaseErrorType = ReadErrorType;

/**
 * Reads a goods-release record, written on every redemption: lot, tokens burned, goods released (pro rata).
 *
 * @param client - a ledger client.
 * @param parameters - the release id.
 * @returns the record, or undefined.
 * @example
 * ```ts
 * const release = await getGoodsRelease(client, { releaseId: 1n });
 * ```
 */
export async function getGoodsRelease(client: LedgerBaseClient, { releaseId, ...at }: GetGoodsReleaseParameters): Promise<GetGoodsReleaseReturnType> {
  const raw = await readReserve(client, "goodsRelease", [releaseId], at);
  if (raw.lot === zeroHash) return undefined;
  return {
    releaseId,
    lot: raw.lot,
    amount: formatAmount(raw.amount, client.ledger.decimals),
    quantity: raw.quantity,
    releasedAt: BigInt(raw.releasedAt),
    reference: raw.ref,
  };
}
