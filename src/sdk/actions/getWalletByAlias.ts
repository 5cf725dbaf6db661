import { zeroAddress, type Address, type Hex } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readToken, type ReadAt } from "../internal/contracts.js";

/** Parameters of {@link getWalletByAlias}. */
export type GetWalletByAliasParameters = ReadAt & {
  /** The alias commitment: a keyed hash of a phone number, computed off chain by the registrar. */
  aliasCommitment: Hex;
};

/** The wallet linked to the alias, or undefined when none is. */
export type GetWalletByAliasReturnType = Address | undefined;

/** Errors {@link getWalletByAlias} can throw. */
export type GetWalletByAliasErrorType = ReadErrorType;

/**
 * Looks up the wallet an alias commitment is linked to, like a Mojaloop party lookup.
 *
 * @param client - a ledger client.
 * @param parameters - the alias commitment.
 * @returns the wallet, or undefined.
 * @example
 * ```ts
 * const wallet = await getWalletByAlias(client, { aliasCommitment });
 * ```
 */
export async function getWalletByAlias(client: LedgerBaseClient, { aliasCommitment, ...at }: GetWalletByAliasParameters): Promise<GetWalletByAliasReturnType> {
  const wallet = await readToken(client, "walletByAlias", [aliasCommitment], at);
  return wallet === zeroAddress ? undefined : wallet;
}
