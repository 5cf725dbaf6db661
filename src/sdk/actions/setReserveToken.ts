import type { Address, Hash } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { writeReserve } from "../internal/contracts.js";

/** Parameters of {@link setReserveToken}. */
export type SetReserveTokenParameters = {
  /** The GoodsToken allowed to record issues and redemptions. */
  token: Address;
};

/** The transaction hash. */
export type SetReserveTokenReturnType = Hash;

/** Errors {@link setReserveToken} can throw. */
export type SetReserveTokenErrorType = WriteErrorType<"ReserveRegistryInvalidToken" | "ReserveRegistryTokenAlreadySet">;

/**
 * Sets, once, the token the reserve registry accepts issues and redemptions from (DEFAULT_ADMIN_ROLE).
 * The Ignition module does this at deployment.
 *
 * @param client - a ledger client whose account is the reserve registry's admin.
 * @param parameters - the token.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await setReserveToken(client, { token: deployment.contracts.token });
 * ```
 */
export function setReserveToken(client: LedgerBaseClient, { token }: SetReserveTokenParameters): Promise<SetReserveTokenReturnType> {
  return writeReserve(client, "setToken", [token]);
}
