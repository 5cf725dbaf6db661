import type { Hash } from "viem";
import { toBytes32, type Bytes32Input } from "../bytes32.js";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { writeToken } from "../internal/contracts.js";
import { roleValue } from "../wallets.js";
import type { RegistrationErrorName, WalletRegistration } from "./registerWallet.js";

/** Parameters of {@link updateWallet}: the new record, and why. */
export type UpdateWalletParameters = WalletRegistration & {
  /** Why (e.g. `"KYC_UPGRADE"`). */
  reasonCode: Bytes32Input;
};

/** The transaction hash. */
export type UpdateWalletReturnType = Hash;

/** Errors {@link updateWallet} can throw. */
export type UpdateWalletErrorType = WriteErrorType<RegistrationErrorName | "WalletRegistryWalletNotRegistered" | "WalletRegistryWalletClosed">;

/**
 * Changes a wallet's role, tier, region, institution and KYC expiry (REGISTRAR_ROLE), e.g. a KYC upgrade.
 * Status, denylist flag, balance and today's outflow stay.
 *
 * @param client - a ledger client whose account holds REGISTRAR_ROLE.
 * @param parameters - the new record and a reason code.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await updateWallet(client, { ...record, tier: 2, reasonCode: "KYC_UPGRADE" });
 * ```
 */
export function updateWallet(client: LedgerBaseClient, parameters: UpdateWalletParameters): Promise<UpdateWalletReturnType> {
  const w = parameters;
  return writeToken(client, "updateWallet", [w.account, roleValue(w.role), w.tier, w.region, w.institution, w.kycExpiryDay, toBytes32(w.reasonCode, "reasonCode")]);
}
