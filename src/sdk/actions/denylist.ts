import type { Hash } from "viem";
import type { WriteErrorType } from "../errors/types.js";
import { walletOfficerAction, type WalletOfficerParameters } from "../internal/shapes.js";

/** Parameters of {@link denylist}: the wallet and a reason code. */
export type DenylistParameters = WalletOfficerParameters;
/** The transaction hash. */
export type DenylistReturnType = Hash;

/** Errors {@link denylist} can throw. */
export type DenylistErrorType = WriteErrorType<"WalletRegistryInvalidAccount" | "WalletRegistryWalletDenylisted">;
/**
 * Puts an address on the denylist (COMPLIANCE_ROLE), registered or not: it can neither send nor receive.
 *
 * @param client - a ledger client whose account holds COMPLIANCE_ROLE.
 * @param parameters - the address and a reason code.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await denylist(client, { account, reasonCode: "OFAC" });
 * ```
 */
export const denylist = walletOfficerAction("denylist");
