import type { Hash } from "viem";
import type { WriteErrorType } from "../errors/types.js";
import { walletOfficerAction, type WalletOfficerParameters } from "../internal/shapes.js";

/** Parameters of {@link removeFromDenylist}: the wallet and a reason code. */
export type RemoveFromDenylistParameters = WalletOfficerParameters;
/** The transaction hash. */
export type RemoveFromDenylistReturnType = Hash;

/** Errors {@link removeFromDenylist} can throw. */
export type RemoveFromDenylistErrorType = WriteErrorType<"WalletRegistryWalletNotDenylisted">;
/**
 * Takes an address off the denylist (COMPLIANCE_ROLE).
 *
 * @param client - a ledger client whose account holds COMPLIANCE_ROLE.
 * @param parameters - the address and a reason code.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await removeFromDenylist(client, { account, reasonCode: "FALSE_POSITIVE" });
 * ```
 */
export const removeFromDenylist = walletOfficerAction("removeFromDenylist");
