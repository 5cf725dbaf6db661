import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readToken, type ReadAt } from "../internal/contracts.js";

/** Parameters of {@link isPaused}: optionally a block. */
export type IsPausedParameters = ReadAt;

/** Whether the token is paused. */
export type IsPausedReturnType = boolean;

/** Errors {@link isPaused} can throw. */
export type IsPausedErrorType = ReadErrorType;

/**
 * Reads whether the token is paused (no transfers, issues or redemptions).
 *
 * @param client - a ledger client.
 * @param parameters - optionally a block.
 * @returns true while paused.
 * @example
 * ```ts
 * if (await isPaused(client)) showBanner();
 * ```
 */
export function isPaused(client: LedgerBaseClient, parameters: IsPausedParameters = {}): Promise<IsPausedReturnType> {
  return readToken(client, "paused", [], parameters);
}
