import type { Address, Hash } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { writeToken } from "../internal/contracts.js";
import { roleValue, type RegistrableRole } from "../wallets.js";

/** A wallet to register. */
export type WalletRegistration = {
  /** The wallet address. */
  account: Address;
  /** Kind of party. */
  role: RegistrableRole;
  /** A configured KYC tier. */
  tier: number;
  /** Region code. */
  region: number;
  /** Institution id of the registering bank. */
  institution: number;
  /** First UTC day on which the wallet may no longer move value (see `dayNumber`); after today. */
  kycExpiryDay: number;
};

/** Parameters of {@link registerWallet}. */
export type RegisterWalletParameters = WalletRegistration;

/** The transaction hash. */
export type RegisterWalletReturnType = Hash;

/** The registration rules a wallet can break. */
export type RegistrationErrorName =
  | "WalletRegistryInvalidAccount"
  | "WalletRegistryWalletAlreadyRegistered"
  | "WalletRegistryInvalidRole"
  | "WalletRegistryUnknownTier"
  | "WalletRegistryInvalidKycExpiry";

/** Errors {@link registerWallet} can throw. */
export type RegisterWalletErrorType = WriteErrorType<RegistrationErrorName>;

/**
 * Registers a wallet (REGISTRAR_ROLE), so it can hold and move tokens within its tier's limits.
 *
 * @param client - a ledger client whose account holds REGISTRAR_ROLE.
 * @param parameters - the wallet's record.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await registerWallet(client, { account, role: "individual", tier: 1, region: 254, institution: 1,
 *   kycExpiryDay: dayNumber(new Date("2028-01-01")) });
 * ```
 */
export function registerWallet(client: LedgerBaseClient, parameters: RegisterWalletParameters): Promise<RegisterWalletReturnType> {
  const wallet = parameters;
  return writeToken(client, "registerWallet", [wallet.account, roleValue(wallet.role), wallet.tier, wallet.region, wallet.institution, wallet.kycExpiryDay]);
}
