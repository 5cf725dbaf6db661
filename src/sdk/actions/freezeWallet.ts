import type { Hash } from "viem";
import type { WriteErrorType } from "../errors/types.js";
import { walletOfficerAction, type WalletOfficerParameters } from "../internal/shapes.js";

/** Parameters of {@link freezeWallet}: the wallet and a reason code. */
export type FreezeWalletParameters = WalletOfficerParameters;
/** The transaction hash. */
export type FreezeWalletReturnType = Hash;

/** Errors {@link freezeWallet} can throw. */
export type FreezeWalletErrorType = WriteErrorType<"WalletRegistryWalletNotRegistered" | "WalletRegistryWalletFrozen" | "WalletRegistryWalletClosed">;
/**
 * Freezes an active wallet (COMPLIANCE_ROLE): it can neither send nor receive. Works while paused.
 *
 * @param client - a ledger client whose account holds COMPLIANCE_ROLE.
 * @param parameters - the wallet and a reason code.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await freezeWallet(client, { account, reasonCode: "SANCTIONS_HIT" });
 * ```
 */
export const freezeWallet = walletOfficerAction("freezeWallet");
