import type { Address, Hash } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { writeReserve, writeToken } from "../internal/contracts.js";
import type { DefaultAdminTarget } from "../internal/defaultAdmin.js";

/** Parameters of {@link beginDefaultAdminTransfer}. */
export type BeginDefaultAdminTransferParameters = DefaultAdminTarget & {
  /** The account that will become admin once it accepts, after the delay. */
  newAdmin: Address;
};
/** The transaction hash. */
export type BeginDefaultAdminTransferReturnType = Hash;
/** Errors {@link beginDefaultAdminTransfer} can throw: `UnauthorizedAccountError` when the caller is not the admin. */
export type BeginDefaultAdminTransferErrorType = WriteErrorType<"AccessControlUnauthorizedAccount" | "SafeCastOverflowedUintDowncast">;

/**
 * Starts the two-step transfer of a contract's admin role (OpenZeppelin AccessControlDefaultAdminRules): the
 * new admin can accept once the contract's admin delay has passed. Starting again replaces a pending transfer.
 * Each contract has its own admin: move both.
 *
 * @param client - a ledger client whose account is the contract's admin.
 * @param parameters - the new admin, and the contract (the token by default).
 * @returns the transaction hash.
 * @throws {UnauthorizedAccountError} when the caller is not the admin.
 * @example
 * ```ts
 * await beginDefaultAdminTransfer(admin, { newAdmin: multisig });
 * await beginDefaultAdminTransfer(admin, { newAdmin: multisig, contract: "reserveRegistry" });
 * ```
 */
export function beginDefaultAdminTransfer(client: LedgerBaseClient, { newAdmin, contract = "token" }: BeginDefaultAdminTransferParameters): Promise<BeginDefaultAdminTransferReturnType> {
  return contract === "token" ? writeToken(client, "beginDefaultAdminTransfer", [newAdmin]) : writeReserve(client, "beginDefaultAdminTransfer", [newAdmin]);
}
