import type { Hash } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { writeToken } from "../internal/contracts.js";

/** The transaction hash. */
export type PauseReturnType = Hash;

/** Errors {@link pause} can throw. */
export type PauseErrorType = WriteErrorType<"GoodsTokenPaused">;

/**
 * Pauses the token (PAUSER_ROLE): no transfers, issues or redemptions; freezing, denylisting, seizure and
 * role changes still work.
 *
 * @param client - a ledger client whose account holds PAUSER_ROLE.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await pause(client);
 * ```
 */
export function pause(client: LedgerBaseClient): Promise<PauseReturnType> {
  return writeToken(client, "pause", []);
}
