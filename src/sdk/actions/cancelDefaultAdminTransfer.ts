import type { Hash } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { sendAdminCall, type DefaultAdminTarget } from "../internal/defaultAdmin.js";

/** Parameters of {@link cancelDefaultAdminTransfer}: the contract (the token by default). */
export type CancelDefaultAdminTransferParameters = DefaultAdminTarget;
/** The transaction hash. */
export type CancelDefaultAdminTransferReturnType = Hash;
/** Errors {@link cancelDefaultAdminTransfer} can throw: `UnauthorizedAccountError` when the caller is not the admin. */
export type CancelDefaultAdminTransferErrorType = WriteErrorType<"AccessControlUnauthorizedAccount">;

/**
 * Cancels a pending admin transfer (the current admin only); the pending admin can no longer accept.
 *
 * @param client - a ledger client whose account is the contract's admin.
 * @param parameters - the contract (the token by default).
 * @returns the transaction hash.
 * @throws {UnauthorizedAccountError} when the caller is not the admin.
 * @example
 * ```ts
 * await cancelDefaultAdminTransfer(admin, { contract: "reserveRegistry" });
 * ```
 */
export function cancelDefaultAdminTransfer(client: LedgerBaseClient, { contract }: CancelDefaultAdminTransferParameters = {}): Promise<CancelDefaultAdminTransferReturnType> {
  return sendAdminCall(client, "cancelDefaultAdminTransfer", contract);
}
