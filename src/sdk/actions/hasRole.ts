import type { Address } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readReserve, readToken, type LedgerContract, type ReadAt } from "../internal/contracts.js";
import { resolveRole, type RoleInput } from "../internal/roles.js";

/** Parameters of {@link hasRole}. */
export type HasRoleParameters = ReadAt & {
  /** The role, by name or id. */
  role: RoleInput;
  /** The account. */
  account: Address;
  /** The contract; defaults to where the role is held (DESIGN.md §2). */
  contract?: LedgerContract | undefined;
};

/** Whether the account holds the role. */
export type HasRoleReturnType = boolean;

/** Errors {@link hasRole} can throw. */
export type HasRoleErrorType = ReadErrorType;

/**
 * Reads whether an account holds a role (OpenZeppelin AccessControl `hasRole`).
 *
 * @param client - a ledger client.
 * @param parameters - role, account, and optionally the contract.
 * @returns true when the role is held.
 * @example
 * ```ts
 * await hasRole(client, { role: "ISSUER_ROLE", account }); // true
 * ```
 */
export function hasRole(client: LedgerBaseClient, { role, account, contract, ...at }: HasRoleParameters): Promise<HasRoleReturnType> {
  const target = resolveRole(role, contract);
  return target.contract === "token" ? readToken(client, "hasRole", [target.id, account], at) : readReserve(client, "hasRole", [target.id, account], at);
}
