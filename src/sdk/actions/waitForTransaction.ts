import type { Hash, TransactionReceipt } from "viem";
import { call, getTransaction, waitForTransactionReceipt } from "viem/actions";
import type { LedgerBaseClient } from "../client.js";
import { LedgerError } from "../errors/base.js";
import { toLedgerError } from "../errors/toLedgerError.js";
import type { WriteErrorType } from "../errors/types.js";

/** Parameters of {@link waitForTransaction}. */
export type WaitForTransactionParameters = {
  /** The transaction hash a write action returned. */
  hash: Hash;
  /** Give up after this many ms (default: viem's, 180 000). */
  timeout?: number | undefined;
};

/** The receipt of a successful transaction. */
export type WaitForTransactionReturnType = TransactionReceipt;

/** Errors {@link waitForTransaction} can throw: the named rule when the transaction reverted. */
export type WaitForTransactionErrorType = WriteErrorType;

/**
 * Waits for a transaction to be mined. If it reverted, replays it against the state before its block to
 * name the rule, and throws that error.
 *
 * @param client - a ledger client.
 * @param parameters - the hash.
 * @returns the receipt (status success).
 * @example
 * ```ts
 * const receipt = await waitForTransaction(client, { hash: await transfer(client, { to, amount: "5" }) });
 * ```
 */
export async function waitForTransaction(client: LedgerBaseClient, { hash, timeout }: WaitForTransactionParameters): Promise<WaitForTransactionReturnType> {
  let receipt: TransactionReceipt;
  try {
    receipt = await waitForTransactionReceipt(client, { hash, ...(timeout === undefined ? {} : { timeout }) });
  } catch (error) {
    throw toLedgerError(error, "eth_getTransactionReceipt");
  }
  if (receipt.status === "success") return receipt;
  const tx = await getTransaction(client, { hash });
  try {
    await call(client, { account: tx.from, to: tx.to, data: tx.input, value: tx.value, gas: tx.gas, blockNumber: receipt.blockNumber - 1n });
  } catch (error) {
    throw toLedgerError(error, "eth_call");
  }
  throw new LedgerError(`transaction ${hash} reverted, and replaying it before its block did not reproduce the reason`);
}
