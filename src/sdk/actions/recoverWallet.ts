import type { Address, Hash } from "viem";
import { toBytes32, type Bytes32Input } from "../bytes32.js";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { writeToken } from "../internal/contracts.js";

/** Parameters of {@link recoverWallet}. */
export type RecoverWalletParameters = {
  /** The lost wallet (closed by the recovery). */
  lost: Address;
  /** The new address: never registered and not denylisted. */
  replacement: Address;
  /** Why. */
  reasonCode: Bytes32Input;
  /** Hash of the supporting document. */
  legalRef: Bytes32Input;
};

/** The transaction hash. */
export type RecoverWalletReturnType = Hash;

/** Errors {@link recoverWallet} can throw. */
export type RecoverWalletErrorType = WriteErrorType<
  | "WalletRegistryWalletNotRegistered"
  | "WalletRegistryWalletClosed"
  | "WalletRegistryInvalidAccount"
  | "WalletRegistryWalletAlreadyRegistered"
  | "WalletRegistryWalletDenylisted"
>;

/**
 * Recovers a lost wallet (COMPLIANCE_ROLE): moves its balance, record and alias to a replacement address
 * and closes the lost one.
 *
 * @param client - a ledger client whose account holds COMPLIANCE_ROLE.
 * @param parameters - lost wallet, replacement, reason code and legal reference.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await recoverWallet(client, { lost, replacement, reasonCode: "LOST_PHONE", legalRef: affidavitHash });
 * ```
 */
export function recoverWallet(client: LedgerBaseClient, { lost, replacement, reasonCode, legalRef }: RecoverWalletParameters): Promise<RecoverWalletReturnType> {
  return writeToken(client, "recoverWallet", [lost, replacement, toBytes32(reasonCode, "reasonCode"), toBytes32(legalRef, "legalRef")]);
}
