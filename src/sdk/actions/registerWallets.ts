import type { Hash } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { writeToken } from "../internal/contracts.js";
import { roleValue } from "../wallets.js";
import type { RegistrationErrorName, WalletRegistration } from "./registerWallet.js";

/** Parameters of {@link registerWallets}. */
export type RegisterWalletsParameters = {
  /** The wallets; all are registered or none. */
  wallets: readonly WalletRegistration[];
};

/** The transaction hash. */
export type RegisterWalletsReturnType = Hash;

/** Errors {@link registerWallets} can throw. */
export type RegisterWalletsErrorType = WriteErrorType<RegistrationErrorName | "WalletRegistryEmptyBatch">;

/**
 * Registers several wallets in one transaction (REGISTRAR_ROLE); all or nothing.
 *
 * @param client - a ledger client whose account holds REGISTRAR_ROLE.
 * @param parameters - the wallets.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await registerWallets(client, { wallets: [alice, bob, shop] });
 * ```
 */
export function registerWallets(client: LedgerBaseClient, { wallets }: RegisterWalletsParameters): Promise<RegisterWalletsReturnType> {
  return writeToken(client, "registerWallets", [
    wallets.map((w) => ({ account: w.account, role: roleValue(w.role), tier: w.tier, region: w.region, institution: w.institution, kycExpiryDay: w.kycExpiryDay })),
  ]);
}
