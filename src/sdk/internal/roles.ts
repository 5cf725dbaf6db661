import type { Hex } from "viem";
import { roles, type RoleName } from "../roles.js";
import type { LedgerContract } from "./contracts.js";

/** A role by name (`"ISSUER_ROLE"`) or id. */
export type RoleInput = RoleName | Hex;

/** Roles held on the reserve registry; every other role lives on the token (DESIGN.md §2). */
const RESERVE_ROLES: readonly RoleName[] = ["CUSTODIAN_ROLE", "AUDITOR_ROLE"];

/**
 * Resolves a role and the contract it is held on.
 *
 * @param role - a role name or id.
 * @param contract - the contract; defaults to where DESIGN.md §2 puts the role (the token for the admin role).
 * @returns the role id and the contract.
 * @example
 * ```ts
 * resolveRole("CUSTODIAN_ROLE"); // { id: 0x…, contract: "reserveRegistry" }
 * ```
 */
export function resolveRole(role: RoleInput, contract?: LedgerContract): { id: Hex; contract: LedgerContract } {
  const named = role in roles ? (role as RoleName) : undefined;
  const id = named ? roles[named] : (role as Hex);
  return { id, contract: contract ?? (named && RESERVE_ROLES.includes(named) ? "reserveRegistry" : "token") };
}
