import type { Address, Hash, Hex } from "viem";
import { toBaseUnits, type Amount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { TransferRuleErrorName, WriteErrorType } from "../errors/types.js";
import { writeToken } from "../internal/contracts.js";

/** Parameters of {@link transfer}. */
export type TransferParameters = {
  /** The recipient. */
  to: Address;
  /** The amount: a decimal string in token units, or base units as a bigint. */
  amount: Amount;
  /** A 32-byte payment reference (invoice id); when given, `transferWithReference` is used. */
  reference?: Hex | undefined;
};

/** The transaction hash. */
export type TransferReturnType = Hash;

/** Errors {@link transfer} can throw: the compliance rules, and amount/RPC errors. */
export type TransferErrorType = WriteErrorType<TransferRuleErrorName>;

/**
 * Sends tokens from the client's account (ERC-20 `transfer`, or `transferWithReference` with a
 * reference). The compliance check runs in gas estimation, so a blocked transfer throws its named rule
 * (e.g. `DailyLimitExceededError`) before anything is sent.
 *
 * @param client - a ledger client with an account.
 * @param parameters - recipient, amount and optional reference.
 * @returns the transaction hash.
 * @example
 * ```ts
 * const hash = await transfer(client, { to: shop, amount: "12.50" });
 * ```
 */
export function transfer(client: LedgerBaseClient, { to, amount, reference }: TransferParameters): Promise<TransferReturnType> {
  const value = toBaseUnits(amount, client.ledger.decimals);
  return reference === undefined ? writeToken(client, "transfer", [to, value]) : writeToken(client, "transferWithReference", [to, value, reference]);
}
