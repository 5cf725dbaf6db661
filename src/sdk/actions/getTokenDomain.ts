import { hashDomain, type Address, type Hex } from "viem";
import type { LedgerBaseClient } from "../client.js";
import { LedgerError } from "../errors/base.js";
import type { ReadErrorType } from "../errors/types.js";
import { readToken } from "../internal/contracts.js";

/** The token's EIP-712 domain, as EIP-2612 permits and EIP-3009 authorizations are signed over. */
export type TokenDomain = { name: string; version: string; chainId: number; verifyingContract: Address };

/** The domain and its separator. */
export type GetTokenDomainReturnType = TokenDomain & { separator: Hex };

/** Errors {@link getTokenDomain} can throw. */
export type GetTokenDomainErrorType = ReadErrorType;

/**
 * Reads the token's EIP-712 domain (EIP-5267 `eip712Domain`) and checks it against `DOMAIN_SEPARATOR`.
 * Keep it with the app to sign payments offline.
 *
 * @param client - a ledger client.
 * @returns name, version, chain id, contract and separator.
 * @throws {LedgerError} when the two disagree (the domain would yield signatures the token rejects).
 * @example
 * ```ts
 * const domain = await getTokenDomain(client); // { name: "Goods Ledger Token", version: "1", … }
 * ```
 */
export async function getTokenDomain(client: LedgerBaseClient): Promise<GetTokenDomainReturnType> {
  const [[, name, version, chainId, verifyingContract], separator] = await Promise.all([
    readToken(client, "eip712Domain", []),
    readToken(client, "DOMAIN_SEPARATOR", []),
  ]);
  const domain = { name, version, chainId: Number(chainId), verifyingContract };
  const types = { EIP712Domain: [
    { name: "name", type: "string" },
    { name: "version", type: "string" },
    { name: "chainId", type: "uint256" },
    { name: "verifyingContract", type: "address" },
  ] } as const;
  if (hashDomain({ domain: { ...domain, chainId }, types }) !== separator) {
    throw new LedgerError("the token's eip712Domain does not match its DOMAIN_SEPARATOR");
  }
  return { ...domain, separator };
}
