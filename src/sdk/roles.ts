import { keccak256, stringToHex, zeroHash, type Hex } from "viem";

/**
 * AccessControl role ids (DESIGN.md §2): `keccak256("NAME")`, and zero for the admin role, as OpenZeppelin
 * defines them. The contracts declare the same constants.
 *
 * @example
 * ```ts
 * import { roles } from "@goods-ledger/sdk";
 * await client.hasRole({ role: roles.ISSUER_ROLE, account });
 * ```
 */
export const roles = {
  DEFAULT_ADMIN_ROLE: zeroHash,
  PAUSER_ROLE: keccak256(stringToHex("PAUSER_ROLE")),
  REGISTRAR_ROLE: keccak256(stringToHex("REGISTRAR_ROLE")),
  COMPLIANCE_ROLE: keccak256(stringToHex("COMPLIANCE_ROLE")),
  ISSUER_ROLE: keccak256(stringToHex("ISSUER_ROLE")),
  CUSTODIAN_ROLE: keccak256(stringToHex("CUSTODIAN_ROLE")),
  AUDITOR_ROLE: keccak256(stringToHex("AUDITOR_ROLE")),
  MIGRATOR_ROLE: keccak256(stringToHex("MIGRATOR_ROLE")),
} as const satisfies Record<string, Hex>;

/** A role's name, e.g. `"ISSUER_ROLE"`. */
export type RoleName = keyof typeof roles;

/**
 * The name of a role id, for messages (`AccessControlUnauthorizedAccount` carries only the id).
 *
 * @param id - a role id.
 * @returns the role's name, or undefined for an id the ledger does not define.
 * @example
 * ```ts
 * roleName(roles.ISSUER_ROLE); // "ISSUER_ROLE"
 * ```
 */
export function roleName(id: Hex): RoleName | undefined {
  const lower = id.toLowerCase();
  return (Object.keys(roles) as RoleName[]).find((name) => roles[name] === lower);
}
