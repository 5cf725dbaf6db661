import type { Hash } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { writeReserve, writeToken } from "../internal/contracts.js";
import { sendAdminCall, type DefaultAdminTarget } from "../internal/defaultAdmin.js";

/** Parameters of {@link changeDefaultAdminDelay}. */
export type ChangeDefaultAdminDelayParameters = DefaultAdminTarget & {
  /** The new delay, in seconds. */
  delay: bigint;
};
/** The transaction hash. */
export type ChangeDefaultAdminDelayReturnType = Hash;
/** Errors {@link changeDefaultAdminDelay} and {@link rollbackDefaultAdminDelay} can throw. */
export type ChangeDefaultAdminDelayErrorType = WriteErrorType<"AccessControlUnauthorizedAccount" | "SafeCastOverflowedUintDowncast">;

/**
 * Schedules a new admin delay (the admin only). OpenZeppelin's rules apply: a shorter delay takes effect after
 * the difference, a longer one after at most `defaultAdminDelayIncreaseWait` (5 days).
 *
 * @param client - a ledger client whose account is the contract's admin.
 * @param parameters - the delay in seconds, and the contract (the token by default).
 * @returns the transaction hash.
 * @throws {UnauthorizedAccountError} when the caller is not the admin.
 * @example
 * ```ts
 * await changeDefaultAdminDelay(admin, { delay: 7n * 86_400n });
 * ```
 */
export function changeDefaultAdminDelay(client: LedgerBaseClient, { delay, contract = "token" }: ChangeDefaultAdminDelayParameters): Promise<ChangeDefaultAdminDelayReturnType> {
  return contract === "token" ? writeToken(client, "changeDefaultAdminDelay", [Number(delay)]) : writeReserve(client, "changeDefaultAdminDelay", [Number(delay)]);
}

/**
 * Cancels a scheduled admin-delay change (the admin only).
 *
 * @param client - a ledger client whose account is the contract's admin.
 * @param parameters - the contract (the token by default).
 * @returns the transaction hash.
 * @throws {UnauthorizedAccountError} when the caller is not the admin.
 * @example
 * ```ts
 * await rollbackDefaultAdminDelay(admin, {});
 * ```
 */
export function rollbackDefaultAdminDelay(client: LedgerBaseClient, { contract }: DefaultAdminTarget = {}): Promise<Hash> {
  return sendAdminCall(client, "rollbackDefaultAdminDelay", contract);
}
