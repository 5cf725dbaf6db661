import type { Hex } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readReserve, readToken, type LedgerContract } from "../internal/contracts.js";

/** Parameters of {@link supportsInterface}. */
export type SupportsInterfaceParameters = {
  /** The ERC-165 interface id (4 bytes). */
  interfaceId: Hex;
  /** The contract; the token by default. */
  contract?: LedgerContract | undefined;
};

/** Whether the contract implements the interface. */
export type SupportsInterfaceReturnType = boolean;

/** Errors {@link supportsInterface} can throw. */
export type SupportsInterfaceErrorType = ReadErrorType;

/**
 * Asks a contract whether it implements an ERC-165 interface.
 *
 * @param client - a ledger client.
 * @param parameters - interface id and contract.
 * @returns true when supported.
 * @example
 * ```ts
 * await supportsInterface(client, { interfaceId: "0x7965db0b" }); // IAccessControl: true
 * ```
 */
export function supportsInterface(client: LedgerBaseClient, { interfaceId, contract = "token" }: SupportsInterfaceParameters): Promise<SupportsInterfaceReturnType> {
  return contract === "token" ? readToken(client, "supportsInterface", [interfaceId]) : readReserve(client, "supportsInterface", [interfaceId]);
}
