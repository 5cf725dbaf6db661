import type { Hash } from "viem";
import type { WriteErrorType } from "../errors/types.js";
import { roleAdminAction, type RoleAdminParameters } from "../internal/shapes.js";

/** Parameters of {@link revokeRole}. */
export type RevokeRoleParameters = RoleAdminParameters;
/** The transaction hash. */
export type RevokeRoleReturnType = Hash;
/** Errors {@link revokeRole} can throw. */
export type RevokeRoleErrorType = WriteErrorType<"AccessControlUnauthorizedAccount">;

/**
 * Revokes a role (DEFAULT_ADMIN_ROLE only).
 *
 * @param client - a ledger client whose account holds DEFAULT_ADMIN_ROLE on the contract.
 * @param parameters - role, account, and optionally the contract.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await revokeRole(client, { role: "ISSUER_ROLE", account: formerIssuer });
 * ```
 */
export const revokeRole = roleAdminAction("revokeRole");
