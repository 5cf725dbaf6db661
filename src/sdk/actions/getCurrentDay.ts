import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readToken, type ReadAt } from "../internal/contracts.js";

/** Parameters of {@link getCurrentDay}: optionally a block. */
export type GetCurrentDayParameters = ReadAt;

/** The chain's UTC day number, `block.timestamp / 1 days`. */
export type GetCurrentDayReturnType = number;

/** Errors {@link getCurrentDay} can throw. */
export type GetCurrentDayErrorType = ReadErrorType;

/**
 * Reads the chain's current UTC day number: the day daily limits and KYC expiry are counted in.
 *
 * @param client - a ledger client.
 * @param parameters - optionally a block.
 * @returns the day number (days since 1970-01-01).
 * @example
 * ```ts
 * const day = await getCurrentDay(client); // e.g. 20_413
 * ```
 */
export async function getCurrentDay(client: LedgerBaseClient, parameters: GetCurrentDayParameters = {}): Promise<GetCurrentDayReturnType> {
  return Number(await readToken(client, "currentDay", [], parameters));
}
