import type { Hex } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readReserve, readToken, type LedgerContract, type ReadAt } from "../internal/contracts.js";
import { resolveRole, type RoleInput } from "../internal/roles.js";

/** Parameters of {@link getRoleAdmin}. */
export type GetRoleAdminParameters = ReadAt & {
  /** The role, by name or id. */
  role: RoleInput;
  /** The contract; defaults to where the role is held. */
  contract?: LedgerContract | undefined;
};

/** The id of the role that grants and revokes `role`. */
export type GetRoleAdminReturnType = Hex;

/** Errors {@link getRoleAdmin} can throw. */
export type GetRoleAdminErrorType = ReadErrorType;

/**
 * Reads which role administers a role (AccessControl `getRoleAdmin`); on this ledger, always the admin role.
 *
 * @param client - a ledger client.
 * @param parameters - the role.
 * @returns the admin role's id.
 * @example
 * ```ts
 * await getRoleAdmin(client, { role: "PAUSER_ROLE" }); // roles.DEFAULT_ADMIN_ROLE
 * ```
 */
export function getRoleAdmin(client: LedgerBaseClient, { role, contract, ...at }: GetRoleAdminParameters): Promise<GetRoleAdminReturnType> {
  const target = resolveRole(role, contract);
  return target.contract === "token" ? readToken(client, "getRoleAdmin", [target.id], at) : readReserve(client, "getRoleAdmin", [target.id], at);
}
