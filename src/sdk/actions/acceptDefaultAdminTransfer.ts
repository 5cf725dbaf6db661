import type { Hash } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { sendAdminCall, type DefaultAdminTarget } from "../internal/defaultAdmin.js";

/** Parameters of {@link acceptDefaultAdminTransfer}: the contract (the token by default). */
export type AcceptDefaultAdminTransferParameters = DefaultAdminTarget;
/** The transaction hash. */
export type AcceptDefaultAdminTransferReturnType = Hash;
/**
 * Errors {@link acceptDefaultAdminTransfer} can throw: `InvalidDefaultAdminError` when the caller is not the
 * pending admin, `EnforcedDefaultAdminDelayError` (with `schedule`) before the delay has passed.
 */
export type AcceptDefaultAdminTransferErrorType = WriteErrorType<"AccessControlInvalidDefaultAdmin" | "AccessControlEnforcedDefaultAdminDelay">;

/**
 * Completes a pending admin transfer: the pending admin accepts once the delay has passed, and the previous
 * admin loses the role in the same transaction.
 *
 * @param client - a ledger client whose account is the pending admin.
 * @param parameters - the contract (the token by default).
 * @returns the transaction hash.
 * @throws {InvalidDefaultAdminError} when the caller is not the pending admin.
 * @throws {EnforcedDefaultAdminDelayError} before the transfer's schedule.
 * @example
 * ```ts
 * const { acceptableAt } = await getDefaultAdmin(newAdmin, {});
 * // after acceptableAt:
 * await acceptDefaultAdminTransfer(newAdmin, {});
 * ```
 */
export function acceptDefaultAdminTransfer(client: LedgerBaseClient, { contract }: AcceptDefaultAdminTransferParameters = {}): Promise<AcceptDefaultAdminTransferReturnType> {
  return sendAdminCall(client, "acceptDefaultAdminTransfer", contract);
}
