import type { Address, Hash, Hex } from "viem";
import { toBytes32, type Bytes32Input } from "../bytes32.js";
import type { LedgerBaseClient } from "../client.js";
import { writeReserve, writeToken, type LedgerContract } from "./contracts.js";
import { resolveRole, type RoleInput } from "./roles.js";

/** Parameters of the officer actions on a wallet (freeze, unfreeze, denylist, clear, close). */
export type WalletOfficerParameters = {
  /** The wallet. */
  account: Address;
  /** Why: a short code (`"SANCTIONS_HIT"`) or 32 bytes of hex. */
  reasonCode: Bytes32Input;
};

/**
 * Builds an officer action `(client, { account, reasonCode })` on a token function of that shape.
 *
 * @param functionName - the token function.
 * @returns the action.
 * @example
 * ```ts
 * export const freezeWallet = walletOfficerAction("freezeWallet");
 * ```
 */
export function walletOfficerAction(functionName: "freezeWallet" | "unfreezeWallet" | "denylist" | "removeFromDenylist" | "closeWallet") {
  return (client: LedgerBaseClient, { account, reasonCode }: WalletOfficerParameters): Promise<Hash> =>
    writeToken(client, functionName, [account, toBytes32(reasonCode, "reasonCode")]);
}

/** Parameters of the officer actions on a lot (release, dispute, resolve). */
export type LotOfficerParameters = {
  /** The lot id (32 bytes). */
  lot: Hex;
  /** Why: a short code or 32 bytes of hex. */
  reasonCode: Bytes32Input;
};

/**
 * Builds an officer action `(client, { lot, reasonCode })` on a reserve-registry function of that shape.
 *
 * @param functionName - the reserve-registry function.
 * @returns the action.
 * @example
 * ```ts
 * export const disputeLot = lotOfficerAction("disputeLot");
 * ```
 */
export function lotOfficerAction(functionName: "releaseLot" | "disputeLot" | "resolveDispute") {
  return (client: LedgerBaseClient, { lot, reasonCode }: LotOfficerParameters): Promise<Hash> =>
    writeReserve(client, functionName, [lot, toBytes32(reasonCode, "reasonCode")]);
}

/** Parameters of the role actions an admin takes (grantRole, revokeRole). */
export type RoleAdminParameters = {
  /** The role, by name or id. */
  role: RoleInput;
  /** The account gaining or losing it. */
  account: Address;
  /** The contract; defaults to where DESIGN.md §2 puts the role. */
  contract?: LedgerContract | undefined;
};

/**
 * Builds a DEFAULT_ADMIN_ROLE action `(client, { role, account, contract? })` on grantRole or revokeRole.
 *
 * @param functionName - `grantRole` or `revokeRole`.
 * @returns the action.
 * @example
 * ```ts
 * export const grantRole = roleAdminAction("grantRole");
 * ```
 */
export function roleAdminAction(functionName: "grantRole" | "revokeRole") {
  return (client: LedgerBaseClient, { role, account, contract }: RoleAdminParameters): Promise<Hash> => {
    const target = resolveRole(role, contract);
    return target.contract === "token" ? writeToken(client, functionName, [target.id, account]) : writeReserve(client, functionName, [target.id, account]);
  };
}
