import type { Address, Hash } from "viem";
import { toBaseUnits, type Amount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { WriteErrorType } from "../errors/types.js";
import { writeToken } from "../internal/contracts.js";

/** Parameters of {@link approve}. */
export type ApproveParameters = {
  /** Who may spend. */
  spender: Address;
  /** The allowance (replaces the previous one). */
  amount: Amount;
};

/** The transaction hash. */
export type ApproveReturnType = Hash;

/** Errors {@link approve} can throw. */
export type ApproveErrorType = WriteErrorType;

/**
 * Lets `spender` move up to `amount` of the client's tokens (ERC-20 `approve`).
 *
 * @param client - a ledger client with an account.
 * @param parameters - spender and allowance.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await approve(client, { spender: billerContract, amount: "100" });
 * ```
 */
export function approve(client: LedgerBaseClient, { spender, amount }: ApproveParameters): Promise<ApproveReturnType> {
  return writeToken(client, "approve", [spender, toBaseUnits(amount, client.ledger.decimals)]);
}
