import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readToken } from "../internal/contracts.js";

/** The token's ERC-20 metadata. */
export type GetTokenMetadataReturnType = { name: string; symbol: string; decimals: number };

/** Errors {@link getTokenMetadata} can throw. */
export type GetTokenMetadataErrorType = ReadErrorType;

/**
 * Reads the token's name, symbol and decimals.
 *
 * @param client - a ledger client.
 * @returns name, symbol and decimals.
 * @example
 * ```ts
 * const { symbol, decimals } = await getTokenMetadata(client);
 * ```
 */
export async function getTokenMetadata(client: LedgerBaseClient): Promise<GetTokenMetadataReturnType> {
  const [name, symbol, decimals] = await Promise.all([
    readToken(client, "name", []),
    readToken(client, "symbol", []),
    readToken(client, "decimals", []),
  ]);
  return { name, symbol, decimals };
}
