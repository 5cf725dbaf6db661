import type { Hash, Hex } from "viem";
import { signTypedData } from "viem/actions";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { requireAccount, writeToken } from "../internal/contracts.js";
import { eip3009Types, splitSignature } from "../qr/authorization.js";
import { getTokenDomain, type TokenDomain } from "./getTokenDomain.js";

/** Parameters of {@link cancelAuthorization}. */
export type CancelAuthorizationParameters = {
  /** The nonce of the client account's unused authorization (a payment request's reference). */
  nonce: Hex;
  /** The token's EIP-712 domain; read from the token when omitted. */
  domain?: TokenDomain | undefined;
};

/** The transaction hash. */
export type CancelAuthorizationReturnType = Hash;

/** Errors {@link cancelAuthorization} can throw. */
export type CancelAuthorizationErrorType = WriteErrorType<"GoodsTokenAuthorizationUsed" | "GoodsTokenInvalidSignature">;

/**
 * Cancels one of the client account's signed but unused EIP-3009 authorizations, so it can never be
 * submitted (the payer changed their mind before the merchant submitted).
 *
 * @param client - a ledger client whose account signed the authorization.
 * @param parameters - the nonce.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await cancelAuthorization(payer, { nonce: authorization.nonce });
 * ```
 */
export async function cancelAuthorization(client: LedgerBaseClient, { nonce, domain }: CancelAuthorizationParameters): Promise<CancelAuthorizationReturnType> {
  const account = requireAccount(client);
  const signature = await signTypedData(client, {
    account,
    domain: domain ?? (await getTokenDomain(client)),
    types: eip3009Types,
    primaryType: "CancelAuthorization",
    message: { authorizer: account.address, nonce },
  });
  const { v, r, s } = splitSignature(signature);
  return writeToken(client, "cancelAuthorization", [account.address, nonce, v, r, s]);
}
