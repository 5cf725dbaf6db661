import { isAddressEqual, type Hash } from "viem";
import type { LedgerBaseClient } from "../client.js";
import { PaymentSubmitterError } from "../errors/qr.js";
import type { TransferRuleErrorName, WriteErrorType } from "../errors/types.js";
import { writeToken } from "../internal/contracts.js";
import { splitSignature, type PaymentAuthorization } from "../qr/authorization.js";

/** Parameters of {@link submitPayment}. */
export type SubmitPaymentParameters = {
  /** The payer's signed authorization. */
  authorization: PaymentAuthorization;
};

/** The transaction hash. */
export type SubmitPaymentReturnType = Hash;

/** Errors {@link submitPayment} can throw: a second payment of a request is refused with a named error. */
export type SubmitPaymentErrorType =
  | PaymentSubmitterError
  | WriteErrorType<
      | TransferRuleErrorName
      | "GoodsTokenAuthorizationUsed"
      | "GoodsTokenPaymentReferenceUsed"
      | "GoodsTokenAuthorizationExpired"
      | "GoodsTokenAuthorizationNotYetValid"
      | "GoodsTokenInvalidSignature"
      | "GoodsTokenCallerNotPayee"
    >;

/**
 * Submits a signed payment: `receiveWithAuthorization` for a receive-authorization (the merchant's own
 * client must submit it), `transferWithAuthorization` for a transfer-authorization (any relayer). Paying a
 * request twice fails with `AuthorizationUsedError` (same payer) or `PaymentReferenceUsedError` (another
 * payer), and nothing moves.
 *
 * @param client - the merchant's client (receive) or a relayer's (transfer).
 * @param parameters - the authorization.
 * @returns the transaction hash.
 * @throws {PaymentSubmitterError} when a receive-authorization is submitted by anyone but the payee.
 * @example
 * ```ts
 * const hash = await submitPayment(merchantClient, { authorization });
 * ```
 */
export function submitPayment(client: LedgerBaseClient, { authorization: a }: SubmitPaymentParameters): Promise<SubmitPaymentReturnType> {
  const { v, r, s } = splitSignature(a.signature);
  const args = [a.from, a.to, a.value, a.validAfter, a.validBefore, a.nonce, v, r, s] as const;
  if (a.kind === "transfer") return writeToken(client, "transferWithAuthorization", args);
  const submitter = client.account?.address;
  if (!submitter || !isAddressEqual(submitter, a.to)) return Promise.reject(new PaymentSubmitterError(submitter, a.to));
  return writeToken(client, "receiveWithAuthorization", args);
}
