import type { Hash } from "viem";
import type { LedgerBaseClient } from "../client.js";
import { writeReserve, writeToken, type LedgerContract } from "./contracts.js";

/** The contract an admin action targets: the token (default) or the reserve registry. */
export type DefaultAdminTarget = { contract?: LedgerContract | undefined };

/**
 * Sends one of AccessControlDefaultAdminRules' argument-free admin functions to the chosen contract.
 *
 * @param client - a client whose account may call it.
 * @param functionName - the function.
 * @param contract - the contract (the token by default).
 * @returns the transaction hash.
 * @example
 * ```ts
 * await sendAdminCall(client, "acceptDefaultAdminTransfer", "reserveRegistry");
 * ```
 */
export function sendAdminCall(
  client: LedgerBaseClient,
  functionName: "acceptDefaultAdminTransfer" | "cancelDefaultAdminTransfer" | "rollbackDefaultAdminDelay",
  contract: LedgerContract = "token",
): Promise<Hash> {
  return contract === "token" ? writeToken(client, functionName, []) : writeReserve(client, functionName, []);
}
