import type { Hash } from "viem";
import type { WriteErrorType } from "../errors/types.js";
import { walletOfficerAction, type WalletOfficerParameters } from "../internal/shapes.js";

/** Parameters of {@link unfreezeWallet}: the wallet and a reason code. */
export type UnfreezeWalletParameters = WalletOfficerParameters;
/** The transaction hash. */
export type UnfreezeWalletReturnType = Hash;

/** Errors {@link unfreezeWallet} can throw. */
export type UnfreezeWalletErrorType = WriteErrorType<"WalletRegistryWalletNotFrozen">;
/**
 * Unfreezes a frozen wallet (COMPLIANCE_ROLE).
 *
 * @param client - a ledger client whose account holds COMPLIANCE_ROLE.
 * @param parameters - the wallet and a reason code.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await unfreezeWallet(client, { account, reasonCode: "CLEARED" });
 * ```
 */
export const unfreezeWallet = walletOfficerAction("unfreezeWallet");
