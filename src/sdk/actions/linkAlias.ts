import type { Address, Hash, Hex } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { writeToken } from "../internal/contracts.js";

/** Parameters of {@link linkAlias}. */
export type LinkAliasParameters = {
  /** The wallet. */
  account: Address;
  /** A keyed hash of the phone number (never the number itself), e.g. HMAC-SHA256 with the bank's key. */
  aliasCommitment: Hex;
};

/** The transaction hash. */
export type LinkAliasReturnType = Hash;

/** Errors {@link linkAlias} can throw. */
export type LinkAliasErrorType = WriteErrorType<
  "WalletRegistryWalletNotRegistered" | "WalletRegistryWalletClosed" | "WalletRegistryInvalidAlias" | "WalletRegistryAliasTaken"
>;

/**
 * Links an alias commitment to a wallet (REGISTRAR_ROLE), replacing its previous alias.
 *
 * @param client - a ledger client whose account holds REGISTRAR_ROLE.
 * @param parameters - wallet and commitment.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await linkAlias(client, { account, aliasCommitment: keccak256(toHex(`${secret}:+254700000001`)) });
 * ```
 */
export function linkAlias(client: LedgerBaseClient, { account, aliasCommitment }: LinkAliasParameters): Promise<LinkAliasReturnType> {
  return writeToken(client, "linkAlias", [account, aliasCommitment]);
}
