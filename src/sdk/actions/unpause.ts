import type { Hash } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { writeToken } from "../internal/contracts.js";

/** The transaction hash. */
export type UnpauseReturnType = Hash;

/** Errors {@link unpause} can throw. */
export type UnpauseErrorType = WriteErrorType<"GoodsTokenNotPaused">;

/**
 * Unpauses the token (PAUSER_ROLE).
 *
 * @param client - a ledger client whose account holds PAUSER_ROLE.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await unpause(client);
 * ```
 */
export function unpause(client: LedgerBaseClient): Promise<UnpauseReturnType> {
  return writeToken(client, "unpause", []);
}
