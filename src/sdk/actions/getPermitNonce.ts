import type { Address } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readToken, type ReadAt } from "../internal/contracts.js";

/** Parameters of {@link getPermitNonce}. */
export type GetPermitNonceParameters = ReadAt & {
  /** The token holder. */
  owner: Address;
};

/** The holder's next EIP-2612 permit nonce. */
export type GetPermitNonceReturnType = bigint;

/** Errors {@link getPermitNonce} can throw. */
export type GetPermitNonceErrorType = ReadErrorType;

/**
 * Reads the holder's next EIP-2612 permit nonce (`nonces`).
 *
 * @param client - a ledger client.
 * @param parameters - the holder.
 * @returns the nonce.
 * @example
 * ```ts
 * const nonce = await getPermitNonce(client, { owner });
 * ```
 */
export function getPermitNonce(client: LedgerBaseClient, { owner, ...at }: GetPermitNonceParameters): Promise<GetPermitNonceReturnType> {
  return readToken(client, "nonces", [owner], at);
}
