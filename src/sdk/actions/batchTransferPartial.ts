import { keccak256, parseEventLogs, toHex, type Address, type Hash, type Hex, type TransactionReceipt } from "viem";
import { goodsTokenAbi } from "../abi/goodsToken.js";
import { formatAmount, toBaseUnits, type Amount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import { contractErrors, ledgerErrorsAbi, type LedgerContractErrorName } from "../errors/contract.js";
import { LedgerError } from "../errors/base.js";
import type { WriteErrorType } from "../errors/types.js";
import { requireAccount, writeToken } from "../internal/contracts.js";
import { waitForTransaction } from "./waitForTransaction.js";

/** Parameters of {@link batchTransferPartial}. */
export type BatchTransferPartialParameters = {
  /** The legs, in order: recipient and amount each. */
  transfers: readonly { to: Address; amount: Amount }[];
};

/** What happened to one leg of a partial batch. */
export type BatchLegOutcome =
  | { index: number; to: Address; amount: string; status: "paid" }
  | {
      index: number;
      to: Address;
      amount: string;
      status: "skipped";
      /** The SDK error class of the rule the leg failed, e.g. `"WalletFrozenError"` (the selector's hex when unknown). */
      reason: string;
      /** The Solidity error's name, e.g. `"WalletRegistryWalletFrozen"`; undefined for an unknown selector. */
      errorName: LedgerContractErrorName | undefined;
      /** The error's 4-byte selector, as the `BatchLegSkipped` event carries it. */
      selector: Hex;
    };

/** The mined batch and every leg's outcome, in order. */
export type BatchTransferPartialReturnType = {
  hash: Hash;
  blockNumber: bigint;
  /** How many legs were paid. */
  paid: number;
  /** How many legs were skipped. */
  skipped: number;
  legs: BatchLegOutcome[];
};

/**
 * Errors {@link batchTransferPartial} can throw. A failing leg is not an error (it is reported as skipped); the
 * whole batch fails, before anything is sent, when the sender cannot send at all or the legs are malformed.
 */
export type BatchTransferPartialErrorType = WriteErrorType<
  | "GoodsTokenPaused"
  | "GoodsTokenEmptyBatch"
  | "GoodsTokenBatchLengthMismatch"
  | "WalletRegistryWalletNotRegistered"
  | "WalletRegistryWalletFrozen"
  | "WalletRegistryWalletClosed"
  | "WalletRegistryWalletDenylisted"
  | "WalletRegistryKycExpired"
>;

/**
 * Pays several recipients in one transaction (payroll, bulk payouts), skipping a leg that fails a rule of its
 * own (`batchTransferPartial`) instead of reverting the whole batch, as mobile-money B2C disbursements do. It
 * waits for the receipt and reports every leg from its events: paid (a `Transfer`), or skipped (a
 * `BatchLegSkipped`) with the rule as the SDK error's name. The all-or-nothing variant is `batchTransfer`.
 *
 * @param client - a ledger client whose account pays.
 * @param parameters - the legs.
 * @returns the transaction, counts, and each leg's outcome in order.
 * @throws {TokenPausedError} and the sender's own rules (not registered, frozen, closed, denylisted, KYC expired), before anything is sent.
 * @example
 * ```ts
 * const { legs } = await batchTransferPartial(employer, { transfers: [{ to: a, amount: "10" }, { to: frozen, amount: "20" }] });
 * // legs[1] = { index: 1, to: frozen, amount: "20", status: "skipped", reason: "WalletFrozenError", … }
 * ```
 */
export async function batchTransferPartial(client: LedgerBaseClient, { transfers }: BatchTransferPartialParameters): Promise<BatchTransferPartialReturnType> {
  const { decimals } = client.ledger;
  const from = requireAccount(client).address;
  const amounts = transfers.map((t) => toBaseUnits(t.amount, decimals));
  const hash = await writeToken(client, "batchTransferPartial", [transfers.map((t) => t.to), amounts]);
  const receipt = await waitForTransaction(client, { hash });
  return { hash, ...batchOutcome(client, from, transfers, amounts, receipt) };
}

/**
 * Reads every leg's outcome of a mined `batchTransferPartial` from its receipt.
 *
 * @param client - a ledger client (for the token's address and decimals).
 * @param from - the sender.
 * @param transfers - the legs as sent.
 * @param amounts - their amounts in base units.
 * @param receipt - the transaction's receipt.
 * @returns block, counts and outcomes.
 */
function batchOutcome(
  client: LedgerBaseClient,
  from: Address,
  transfers: readonly { to: Address }[],
  amounts: bigint[],
  receipt: TransactionReceipt,
): Omit<BatchTransferPartialReturnType, "hash"> {
  const token = client.ledger.token.toLowerCase();
  const ours = receipt.logs.filter((log) => log.address.toLowerCase() === token);
  const skippedLogs = parseEventLogs({ abi: goodsTokenAbi, logs: ours, eventName: "BatchLegSkipped" });
  const skippedAt = new Map(skippedLogs.map((log) => [Number(log.args.index), log.args.reason]));
  const legs: BatchLegOutcome[] = transfers.map(({ to }, index) => {
    const amount = formatAmount(amounts[index]!, client.ledger.decimals);
    const selector = skippedAt.get(index);
    if (selector === undefined) return { index, to, amount, status: "paid" };
    const { errorName, reason } = decodeBatchLegReason(selector);
    return { index, to, amount, status: "skipped", reason, errorName, selector };
  });
  const paid = legs.filter((leg) => leg.status === "paid").length;
  const moved = parseEventLogs({ abi: goodsTokenAbi, logs: ours, eventName: "Transfer" }).filter((log) => log.args.from.toLowerCase() === from.toLowerCase());
  if (moved.length !== paid) throw new LedgerError(`batch ${receipt.transactionHash}: ${paid} legs were not skipped, but ${moved.length} transfers were emitted`);
  return { blockNumber: receipt.blockNumber, paid, skipped: legs.length - paid, legs };
}

let selectors: Map<string, LedgerContractErrorName> | undefined;

/**
 * Names the rule a skipped leg failed, from the selector its `BatchLegSkipped` event carries.
 *
 * @param selector - the 4-byte error selector.
 * @returns the Solidity error's name and the SDK class's name (the selector itself when unknown).
 * @example
 * ```ts
 * decodeBatchLegReason("0x…"); // { errorName: "WalletRegistryWalletFrozen", reason: "WalletFrozenError" }
 * ```
 */
export function decodeBatchLegReason(selector: Hex): { errorName: LedgerContractErrorName | undefined; reason: string } {
  selectors ??= new Map(
    ledgerErrorsAbi.map((item) => [keccak256(toHex(`${item.name}(${item.inputs.map((i) => i.type).join(",")})`)).slice(0, 10), item.name as LedgerContractErrorName]),
  );
  const errorName = selectors.get(selector.toLowerCase());
  return { errorName, reason: errorName === undefined ? selector : contractErrors[errorName].name };
}
