import type { Hash } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { requireAccount, writeReserve, writeToken, type LedgerContract } from "../internal/contracts.js";
import { resolveRole, type RoleInput } from "../internal/roles.js";

/** Parameters of {@link renounceRole}. */
export type RenounceRoleParameters = {
  /** The role the client's account gives up. */
  role: RoleInput;
  /** The contract; defaults to where the role is held. */
  contract?: LedgerContract | undefined;
};
/** The transaction hash. */
export type RenounceRoleReturnType = Hash;
/** Errors {@link renounceRole} can throw. */
export type RenounceRoleErrorType = WriteErrorType<"AccessControlBadConfirmation">;

/**
 * Gives up one of the client account's own roles (AccessControl `renounceRole`).
 *
 * @param client - a ledger client with an account.
 * @param parameters - the role.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await renounceRole(client, { role: "PAUSER_ROLE" });
 * ```
 */
export function renounceRole(client: LedgerBaseClient, { role, contract }: RenounceRoleParameters): Promise<RenounceRoleReturnType> {
  const self = requireAccount(client).address;
  const target = resolveRole(role, contract);
  return target.contract === "token" ? writeToken(client, "renounceRole", [target.id, self]) : writeReserve(client, "renounceRole", [target.id, self]);
}
