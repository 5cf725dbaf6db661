import type { Account, Chain, Client, Transport } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { LedgerError } from "../errors/base.js";
import type { AccountRequiredError } from "../errors/account.js";
import type { LocalAccountRequiredError } from "../errors/pipeline.js";
import type { RpcErrorType } from "../errors/types.js";
import { signCalls, type PipelineFees } from "../pipeline.js";
import { prepareTransfers, requireNonces, TRANSFER_GAS_LIMIT, type PipelinedTransfer, type SignedTransfers } from "./sendTransfers.js";

/** Parameters of {@link signTransfers}. */
export type SignTransfersParameters = {
  /** The transfers, in the order they will be sent (consecutive nonces). */
  transfers: readonly PipelinedTransfer[];
  /** Gas limit per transfer; `TRANSFER_GAS_LIMIT` by default. */
  gas?: bigint | undefined;
  /** Fees for every transfer; read once from the node when omitted. */
  fees?: PipelineFees | undefined;
};

/** The signed transfers, for `sendTransfers({ signed })`. */
export type SignTransfersReturnType = SignedTransfers;

/** Errors {@link signTransfers} can throw: no local account, bad input (before anything is signed) and RPC failures. */
export type SignTransfersErrorType = AccountRequiredError | LocalAccountRequiredError | LedgerError | RpcErrorType;

/**
 * Signs a payout run ahead of submission: validates every transfer, takes consecutive nonces from the client's
 * allocator, reads the fees once, and signs, sending nothing. `sendTransfers({ signed })` then submits them with
 * the same outcome reporting and recovery. Submit it from this process: on its first submission a transfer whose
 * nonce another transaction took meanwhile is re-signed (its bytes never left this process); once submitted, a
 * run is never re-signed, only re-broadcast.
 *
 * @param client - a ledger client with a local account.
 * @param parameters - the transfers, and optionally gas and fees.
 * @returns the signed transfers.
 * @example
 * ```ts
 * const signed = await signTransfers(bank, { transfers: payroll }); // e.g. before the payout window opens
 * const outcomes = await sendTransfers(bank, { signed });
 * ```
 */
export async function signTransfers(client: LedgerBaseClient, parameters: SignTransfersParameters): Promise<SignTransfersReturnType> {
  const p = parameters;
  const nonces = requireNonces(client);
  const { calls, transfers } = prepareTransfers(client, p.transfers, p.gas ?? TRANSFER_GAS_LIMIT);
  const signed = await signCalls(client as Client<Transport, Chain, Account>, calls, { nonces, fees: p.fees });
  return { ...signed, transfers };
}
