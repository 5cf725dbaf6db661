import type { Address, Hex } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readToken, type ReadAt } from "../internal/contracts.js";

/** Parameters of {@link getAuthorizationState}. */
export type GetAuthorizationStateParameters = ReadAt & {
  /** The signer of the authorization. */
  authorizer: Address;
  /** Its nonce (for a QR payment: the request's reference). */
  nonce: Hex;
};

/** True when the authorization was used or canceled. */
export type GetAuthorizationStateReturnType = boolean;

/** Errors {@link getAuthorizationState} can throw. */
export type GetAuthorizationStateErrorType = ReadErrorType;

/**
 * Reads whether an EIP-3009 authorization nonce of a signer has been used or canceled.
 *
 * @param client - a ledger client.
 * @param parameters - signer and nonce.
 * @returns true when used or canceled.
 * @example
 * ```ts
 * await getAuthorizationState(client, { authorizer: payer, nonce: request.reference });
 * ```
 */
export function getAuthorizationState(client: LedgerBaseClient, { authorizer, nonce, ...at }: GetAuthorizationStateParameters): Promise<GetAuthorizationStateReturnType> {
  return readToken(client, "authorizationState", [authorizer, nonce], at);
}
