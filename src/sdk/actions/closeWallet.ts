import type { Hash } from "viem";
import type { WriteErrorType } from "../errors/types.js";
import { walletOfficerAction, type WalletOfficerParameters } from "../internal/shapes.js";

/** Parameters of {@link closeWallet}: the wallet and a reason code. */
export type CloseWalletParameters = WalletOfficerParameters;
/** The transaction hash. */
export type CloseWalletReturnType = Hash;

/** Errors {@link closeWallet} can throw. */
export type CloseWalletErrorType = WriteErrorType<"WalletRegistryWalletNotRegistered" | "WalletRegistryWalletClosed" | "WalletRegistryBalanceNotZero">;
/**
 * Closes a wallet for good (REGISTRAR_ROLE) and unlinks its alias; its balance must be zero.
 *
 * @param client - a ledger client whose account holds REGISTRAR_ROLE.
 * @param parameters - the wallet and a reason code.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await closeWallet(client, { account, reasonCode: "CUSTOMER_REQUEST" });
 * ```
 */
export const closeWallet = walletOfficerAction("closeWallet");
