import type { Hash } from "viem";
import type { WriteErrorType } from "../errors/types.js";
import { roleAdminAction, type RoleAdminParameters } from "../internal/shapes.js";

/** Parameters of {@link grantRole}. */
export type GrantRoleParameters = RoleAdminParameters;
/** The transaction hash. */
export type GrantRoleReturnType = Hash;
/** Errors {@link grantRole} can throw. */
export type GrantRoleErrorType = WriteErrorType<"AccessControlUnauthorizedAccount">;

/**
 * Grants a role (DEFAULT_ADMIN_ROLE only).
 *
 * @param client - a ledger client whose account holds DEFAULT_ADMIN_ROLE on the contract.
 * @param parameters - role, account, and optionally the contract.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await grantRole(client, { role: "REGISTRAR_ROLE", account: secondBankDesk });
 * ```
 */
export const grantRole = roleAdminAction("grantRole");
