import type { Address, Hash } from "viem";
import { toBaseUnits, type Amount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { TransferRuleErrorName, WriteErrorType } from "../errors/types.js";
import { writeToken } from "../internal/contracts.js";

/** Parameters of {@link transferFrom}. */
export type TransferFromParameters = {
  /** The holder who approved the client's account. */
  from: Address;
  /** The recipient. */
  to: Address;
  /** The amount. */
  amount: Amount;
};

/** The transaction hash. */
export type TransferFromReturnType = Hash;

/** Errors {@link transferFrom} can throw. */
export type TransferFromErrorType = WriteErrorType<TransferRuleErrorName>;

/**
 * Moves tokens from `from` to `to` under an allowance (ERC-20 `transferFrom`); the same compliance check
 * applies to `from` and `to`.
 *
 * @param client - a ledger client whose account is the approved spender.
 * @param parameters - holder, recipient and amount.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await transferFrom(client, { from: customer, to: merchant, amount: "5" });
 * ```
 */
export function transferFrom(client: LedgerBaseClient, { from, to, amount }: TransferFromParameters): Promise<TransferFromReturnType> {
  return writeToken(client, "transferFrom", [from, to, toBaseUnits(amount, client.ledger.decimals)]);
}
