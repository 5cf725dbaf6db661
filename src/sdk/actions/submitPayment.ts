import type { Hash } from "viem";
import type { LedgerBaseClient } from "../client.js";
import type { PaymentAmountZeroError, PaymentRequestTamperedError } from "../errors/qr.js";
import type { TransferRuleErrorName, WriteErrorType } from "../errors/types.js";
import { writeToken } from "../internal/contracts.js";
import { checkPaymentAuthorization, splitSignature, type PaymentAuthorization } from "../qr/authorization.js";

/** Parameters of {@link submitPayment}. */
export type SubmitPaymentParameters = {
  /** The payer's signed authorization. */
  authorization: PaymentAuthorization;
};

/** The transaction hash. */
export type SubmitPaymentReturnType = Hash;

/**
 * Errors {@link submitPayment} can throw: a second payment of a request is refused with a named error, and
 * nothing is sent (viem estimates the transaction first, so a revert is decoded before sending).
 */
export type SubmitPaymentErrorType =
  | PaymentAmountZeroError
  | PaymentRequestTamperedError
  | WriteErrorType<
      | TransferRuleErrorName
      | "GoodsTokenAuthorizationUsed"
      | "GoodsTokenPaymentReferenceUsed"
      | "GoodsTokenAuthorizationExpired"
      | "GoodsTokenAuthorizationNotYetValid"
      | "GoodsTokenInvalidSignature"
      | "GoodsTokenZeroValueAuthorization"
    >;

/**
 * Submits a signed payment with `payWithAuthorization`. Any account may submit it (the merchant, or a
 * relayer paying the gas): it can only pay its value to its payee, once. Paying a request twice fails with
 * `AuthorizationUsedError` (same payer) or `PaymentReferenceUsedError` (another payer), and nothing moves. An
 * authorization of value 0, or whose reference does not commit to its payee, value and request id, is refused
 * before any request.
 *
 * @param client - a client with an account that pays the gas.
 * @param parameters - the authorization.
 * @returns the transaction hash.
 * @throws {PaymentAmountZeroError} when the value is 0.
 * @throws {PaymentRequestTamperedError} when the reference does not match the payee, value and request id.
 * @throws {PaymentReferenceUsedError} when the request is already paid by another payer.
 * @throws {AuthorizationUsedError} when this payer already paid it (or canceled the authorization).
 * @example
 * ```ts
 * const hash = await submitPayment(merchantClient, { authorization });
 * ```
 */
export async function submitPayment(client: LedgerBaseClient, { authorization: a }: SubmitPaymentParameters): Promise<SubmitPaymentReturnType> {
  checkPaymentAuthorization(a);
  const { v, r, s } = splitSignature(a.signature);
  return writeToken(client, "payWithAuthorization", [a.from, a.to, a.value, a.validAfter, a.validBefore, a.requestId, v, r, s]);
}
