import type { Address, Hash } from "viem";
import { toBaseUnits, type Amount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { TransferRuleErrorName, WriteErrorType } from "../errors/types.js";
import { writeToken } from "../internal/contracts.js";

/** Parameters of {@link batchTransfer}. */
export type BatchTransferParameters = {
  /** The legs: recipient and amount each. */
  transfers: readonly { to: Address; amount: Amount }[];
};

/** The transaction hash. */
export type BatchTransferReturnType = Hash;

/** Errors {@link batchTransfer} can throw. */
export type BatchTransferErrorType = WriteErrorType<TransferRuleErrorName | "GoodsTokenEmptyBatch" | "GoodsTokenBatchLengthMismatch">;

/**
 * Sends to several recipients in one transaction (a disbursement); all legs pass the compliance check and
 * count together against the sender's daily limit. All or nothing.
 *
 * @param client - a ledger client with an account.
 * @param parameters - the legs.
 * @returns the transaction hash.
 * @example
 * ```ts
 * await batchTransfer(client, { transfers: [{ to: a, amount: "10" }, { to: b, amount: "20" }] });
 * ```
 */
export function batchTransfer(client: LedgerBaseClient, { transfers }: BatchTransferParameters): Promise<BatchTransferReturnType> {
  const { decimals } = client.ledger;
  return writeToken(client, "batchTransfer", [transfers.map((t) => t.to), transfers.map((t) => toBaseUnits(t.amount, decimals))]);
}
