import { numberToHex, pad, type Account, type Address, type Chain, type Client, type Hex, type Transport } from "viem";
import { formatAmount, toBaseUnits, type Amount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { LedgerError } from "../errors/base.js";
import { LocalAccountRequiredError } from "../errors/pipeline.js";
import { toLedgerError } from "../errors/toLedgerError.js";
import type { AccountRequiredError } from "../errors/account.js";
import type { RpcErrorType } from "../errors/types.js";
import { encodeTransferCall } from "../internal/calldata.js";
import { requireAccount } from "../internal/contracts.js";
import type { NonceAllocator } from "../nonces.js";
import { sendPipelined, type PipelineFees, type PipelineOptions, type PipelineOutcome, type SignedCalls } from "../pipeline.js";

/**
 * Gas limit of one pipelined transfer, prefilled instead of estimated. The costliest compliant transfer (a
 * fresh recipient, with a reference) uses about 43k, because registration already wrote the account word;
 * test/sdk/pipeline.test.ts keeps it under two thirds of this limit. Unused gas is not charged.
 */
export const TRANSFER_GAS_LIMIT = 100_000n;

/** The topic of Transfer(address,address,uint256), written out (test/cli/startup.test.ts checks it). */
const TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

/** One transfer of a pipeline. */
export type PipelinedTransfer = {
  /** The recipient. */
  to: Address;
  /** The amount. */
  amount: Amount;
  /** An optional 32-byte payment reference (`transferWithReference`). */
  reference?: Hex | undefined;
};

/** How {@link sendTransfers} submits: batching and deadlines. */
export type SubmissionOptions = {
  /** Most transfers per JSON-RPC batch (default 100). */
  batchSize?: number | undefined;
  /** JSON-RPC batches in flight at once (default 1; see `PipelineOptions.maxInFlight`). */
  maxInFlight?: number | undefined;
  /** Stop waiting after this many ms; unsettled transfers are reported `unknown` (default 120 000). */
  timeout?: number | undefined;
  /**
   * Re-broadcast waiting transfers after this many ms without progress, and look a consumed nonce without a
   * receipt up in the blocks after as long (default 3 × the polling interval).
   */
  stallTimeout?: number | undefined;
};

/** Parameters of {@link sendTransfers}: the transfers (signed as they go) or transfers signed ahead by `signTransfers`. */
export type SendTransfersParameters = SubmissionOptions &
  (
    | {
        /** The transfers, sent in this order (consecutive nonces). */
        transfers: readonly PipelinedTransfer[];
        /** Gas limit per transfer; {@link TRANSFER_GAS_LIMIT} by default. */
        gas?: bigint | undefined;
        /** Fees for every transfer; read once from the node when omitted. */
        fees?: PipelineFees | undefined;
      }
    | {
        /** Transfers signed ahead by `signTransfers`. */
        signed: SignedTransfers;
      }
  );

/** The outcome of one transfer, with its recipient and amount (token units). */
export type TransferOutcome = PipelineOutcome & { to: Address; amount: string };

/** One outcome per transfer, in input order. */
export type SendTransfersReturnType = TransferOutcome[];

/** Errors {@link sendTransfers} throws before sending anything (later failures are per-transfer outcomes). */
export type SendTransfersErrorType = LocalAccountRequiredError | AccountRequiredError | LedgerError | RpcErrorType;

/**
 * Sends many transfers from the client's local account without waiting for each receipt: a bank's payout
 * run. Nonces are managed locally; chain id, gas and fees are prefilled; transfers are signed in time slices
 * while the node works, and whatever is signed goes out as one JSON-RPC batch as soon as the node answers the
 * previous one.
 *
 * Every transfer gets an outcome, read from the chain: `success`, `reverted` (with the named rule), `rejected`
 * (never executed and never will: another transaction holds its nonce, e.g. the no-op the pipeline sent after a
 * node refused it; safe to pay again), or `unknown` at the deadline (may have executed or may still: do not pay
 * again, reconcile by `hash`). The rule: **a transfer that may have reached any node is never re-signed**; a
 * gap, a dropped transaction or a lost answer is repaired by re-broadcasting the same signed bytes. With a
 * `fallback` transport, nonces are read from every endpoint (the highest wins) and a receipt is looked up on
 * every endpoint before its absence counts. All amounts are validated before anything is sent. Transfers signed
 * ahead with `signTransfers` are submitted the same way (`{ signed }`).
 *
 * @param client - a ledger client with a local account.
 * @param parameters - the transfers and tuning.
 * @returns one outcome per transfer.
 * @example
 * ```ts
 * const outcomes = await sendTransfers(bank, { transfers: payroll.map((p) => ({ to: p.wallet, amount: p.net })) });
 * const failed = outcomes.filter((o) => o.status !== "success");
 * ```
 */
export async function sendTransfers(client: LedgerBaseClient, parameters: SendTransfersParameters): Promise<SendTransfersReturnType> {
  const p = parameters;
  const account = requireAccount(client);
  const nonces = requireNonces(client);
  const prepared = "signed" in p ? undefined : prepareTransfers(client, p.transfers, p.gas);
  const outcomes = await sendPipelined(client as Client<Transport, Chain, Account>, "signed" in p ? p.signed : prepared!.calls, {
    nonces,
    batchSize: p.batchSize,
    maxInFlight: p.maxInFlight,
    fees: "signed" in p ? undefined : p.fees,
    timeout: p.timeout,
    stallTimeout: p.stallTimeout,
    ...settlement(client, account.address),
  });
  const transfers = "signed" in p ? p.signed.transfers : prepared!.transfers;
  return outcomes.map((outcome, i) => ({ ...outcome, ...transfers[i]! }));
}

/**
 * How a pipeline of transfers settles: reverts named by {@link toLedgerError}, successes found cheaply from the
 * token's `Transfer` logs of the sender (one `eth_getLogs`), the rest from receipts.
 *
 * @param client - a ledger client.
 * @param from - the sender.
 * @returns the pipeline's `describeRevert` and `findSucceeded`.
 * @example
 * ```ts
 * await sendPipelined(client, calls, { nonces, ...settlement(client, account.address) });
 * ```
 */
export function settlement(client: LedgerBaseClient, from: Address): Pick<PipelineOptions, "describeRevert" | "findSucceeded"> {
  const { token } = client.ledger;
  return {
    describeRevert: (error) => toLedgerError(error),
    findSucceeded: async ({ fromBlock, hashes }) => {
      const logs = (await client.request({
        method: "eth_getLogs",
        params: [{ address: token, topics: [TRANSFER_TOPIC, pad(from)], fromBlock: numberToHex(fromBlock), toBlock: "latest" }],
      })) as { transactionHash: Hex; blockNumber: Hex }[];
      return new Map(logs.filter((log) => hashes.has(log.transactionHash)).map((log) => [log.transactionHash, BigInt(log.blockNumber)]));
    },
  };
}

/** Transfers signed ahead of submission: what `signTransfers` returns and `sendTransfers({ signed })` takes. */
export type SignedTransfers = SignedCalls & {
  /** Recipient and amount (token units) of each, in order. */
  transfers: readonly { to: Address; amount: string }[];
};

/**
 * Validates every amount and recipient, and encodes the calls.
 *
 * @param client - a ledger client.
 * @param transfers - the transfers.
 * @param gas - gas limit per transfer.
 * @returns the calls, and recipient and amount of each for the outcomes.
 * @throws {LedgerError} on a bad amount, recipient or reference, before anything is signed or sent.
 * @example
 * ```ts
 * const { calls } = prepareTransfers(client, [{ to, amount: "5" }]);
 * ```
 */
export function prepareTransfers(client: LedgerBaseClient, transfers: readonly PipelinedTransfer[], gas = TRANSFER_GAS_LIMIT) {
  const { decimals, token } = client.ledger;
  const values = transfers.map((t) => toBaseUnits(t.amount, decimals));
  return {
    calls: transfers.map((t, i) => ({ to: token, data: encodeTransferCall(t.to, values[i]!, t.reference, `transfer ${i}`), gas })),
    transfers: transfers.map((t, i) => ({ to: t.to, amount: formatAmount(values[i]!, decimals) })),
  };
}

/**
 * The client's nonce allocator (a local account's), or a named error: `AccountRequiredError` without an
 * account, `LocalAccountRequiredError` with one that does not sign locally.
 *
 * @param client - a ledger client.
 * @returns the allocator.
 * @example
 * ```ts
 * const nonces = requireNonces(client);
 * ```
 */
export function requireNonces(client: LedgerBaseClient): NonceAllocator {
  const account = requireAccount(client);
  if (!client.ledger.nonces) throw new LocalAccountRequiredError(account.address, account.type);
  return client.ledger.nonces;
}
