import type { Address, Hex } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { ReadErrorType } from "../errors/types.js";
import { readToken, type ReadAt } from "../internal/contracts.js";

/** Parameters of {@link isPaymentReferenceUsed}. */
export type IsPaymentReferenceUsedParameters = ReadAt & {
  /** The payee (merchant). */
  payee: Address;
  /** The single-use reference (the QR request's reference). */
  reference: Hex;
};

/** True when the payee has been paid with this reference. */
export type IsPaymentReferenceUsedReturnType = boolean;

/** Errors {@link isPaymentReferenceUsed} can throw. */
export type IsPaymentReferenceUsedErrorType = ReadErrorType;

/**
 * Reads whether a single-use payment request has been paid (by anyone): the merchant's "paid" check.
 *
 * @param client - a ledger client.
 * @param parameters - payee and reference.
 * @returns true once paid.
 * @example
 * ```ts
 * if (await isPaymentReferenceUsed(client, { payee: shop, reference })) printReceipt();
 * ```
 */
export function isPaymentReferenceUsed(client: LedgerBaseClient, { payee, reference, ...at }: IsPaymentReferenceUsedParameters): Promise<IsPaymentReferenceUsedReturnType> {
  return readToken(client, "paymentReferenceUsed", [payee, reference], at);
}
