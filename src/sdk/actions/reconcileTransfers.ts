import type { Account, Chain, Client, Hex, Transport } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { AccountRequiredError } from "../errors/account.js";
import type { LedgerError } from "../errors/base.js";
import type { LocalAccountRequiredError } from "../errors/pipeline.js";
import type { RpcErrorType } from "../errors/types.js";
import { requireAccount } from "../internal/contracts.js";
import { reconcileSigned, type PipelineOutcome } from "../pipeline.js";
import { requireNonces, settlement } from "./sendTransfers.js";

/** Parameters of {@link reconcileTransfers}. */
export type ReconcileTransfersParameters = {
  /** Signed transactions to settle: the `error.raw` of `unknown` outcomes. */
  transactions: readonly Hex[];
  /** Stop waiting after this many ms; still unsettled ones stay `unknown` (default 120 000). */
  timeout?: number | undefined;
  /** Re-broadcast after this many ms without progress (default 3 × the polling interval). */
  stallTimeout?: number | undefined;
};

/** One outcome per transaction, in input order (`index` is the position in `transactions`). */
export type ReconcileTransfersReturnType = PipelineOutcome[];

/** Errors {@link reconcileTransfers} throws before sending anything. */
export type ReconcileTransfersErrorType = AccountRequiredError | LocalAccountRequiredError | LedgerError | RpcErrorType;

/**
 * Settles transfers that `sendTransfers` reported `unknown`, later, from their signed bytes: each is re-broadcast
 * byte for byte to every endpoint and settled from the chain (`success`, `reverted`, `rejected`, or still
 * `unknown`). Nothing is ever re-signed, so reconciling can never pay twice; run it as often as needed.
 *
 * @param client - a ledger client with the local account that signed them.
 * @param parameters - the signed transactions and deadlines.
 * @returns one outcome per transaction.
 * @throws {LedgerError} when a transaction was not signed by the client's account (nothing sent).
 * @example
 * ```ts
 * const unknown = outcomes.filter((o) => o.status === "unknown");
 * const later = await reconcileTransfers(bank, { transactions: unknown.map((o) => o.error.raw) });
 * ```
 */
export async function reconcileTransfers(client: LedgerBaseClient, parameters: ReconcileTransfersParameters): Promise<ReconcileTransfersReturnType> {
  const p = parameters;
  const account = requireAccount(client);
  const nonces = requireNonces(client);
  return reconcileSigned(client as Client<Transport, Chain, Account>, p.transactions, {
    nonces,
    timeout: p.timeout,
    stallTimeout: p.stallTimeout,
    ...settlement(client, account.address),
  });
}
