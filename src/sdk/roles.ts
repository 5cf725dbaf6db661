import { zeroHash, type Hex } from "viem";

/**
 * AccessControl role ids (DESIGN.md §2): `keccak256("NAME")`, and zero for the admin role, as OpenZeppelin
 * defines them. The contracts declare the same constants. Written out, not hashed at start-up (every CLI run
 * loads this module); test/cli/startup.test.ts checks each against `keccak256(NAME)`.
 *
 * @example
 * ```ts
 * import { roles } from "@goods-ledger/sdk";
 * await client.hasRole({ role: roles.ISSUER_ROLE, account });
 * ```
 */
export const roles = {
  DEFAULT_ADMIN_ROLE: zeroHash,
  PAUSER_ROLE: "0x65d7a28e3265b37a6474929f336521b332c1681b933f6cb9f3376673440d862a",
  REGISTRAR_ROLE: "0xedcc084d3dcd65a1f7f23c65c46722faca6953d28e43150a467cf43e5c309238",
  COMPLIANCE_ROLE: "0x442a94f1a1fac79af32856af2a64f63648cfa2ef3b98610a5bb7cbec4cee6985",
  ISSUER_ROLE: "0x114e74f6ea3bd819998f78687bfcb11b140da08e9b7d222fa9c1f1ba1f2aa122",
  CUSTODIAN_ROLE: "0xe28434228950b641dbbc0178de89daa359a87c6ee0d8399aeace52a98fe902b9",
  AUDITOR_ROLE: "0x59a1c48e5837ad7a7f3dcedcbe129bf3249ec4fbf651fd4f5e2600ead39fe2f5",
  MIGRATOR_ROLE: "0x600e5f1c60beb469a3fa6dd3814a4ae211cc6259a6d033bae218a742f2af01d3",
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
