import type { Address, Hex } from "viem";
import { toBaseUnits, type Amount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { AmountEmptyError, AmountNegativeError, AmountNotNumericError, AmountOutOfRangeError, AmountTooManyDecimalsError } from "../errors/amount.js";
import type { PaymentRequestFieldError } from "../errors/qr.js";
import { encodePaymentRequest, PAYMENT_REQUEST_DEFAULTS } from "../qr/paymentRequest.js";
import { paymentReference, randomRequestId } from "../qr/reference.js";

/** Parameters of {@link createPaymentRequest}. */
export type CreatePaymentRequestParameters = {
  /** The payee. */
  merchant: Address;
  /** The amount (more than 0); omit to let the payer enter it. */
  amount?: Amount | undefined;
  /** 32-byte request id; random when omitted (give one only to re-print a request you already issued). */
  requestId?: Hex | undefined;
  /** Expiry, unix seconds. */
  expiresAt: bigint;
  /** Printed merchant name (≤ 25 characters; default "MERCHANT"). */
  merchantName?: string | undefined;
  /** Merchant city (≤ 15 characters; default "NA"). */
  merchantCity?: string | undefined;
  /** ISO 3166-1 alpha-2 country (default "XX"). */
  countryCode?: string | undefined;
  /** ISO 4217 numeric currency (default "999": no ISO currency). */
  currencyCode?: string | undefined;
  /** ISO 18245 merchant category code (default "0000"). */
  merchantCategoryCode?: string | undefined;
};

/**
 * The payload for the QR code, its request id, and the reference to watch for
 * (`paymentReference(merchant, amount, requestId)`; undefined for a request without an amount).
 */
export type CreatePaymentRequestReturnType = { payload: string; requestId: Hex; reference: Hex | undefined };

/** Errors {@link createPaymentRequest} can throw (all before anything is sent: it works offline). */
export type CreatePaymentRequestErrorType =
  | PaymentRequestFieldError
  | AmountEmptyError
  | AmountNegativeError
  | AmountNotNumericError
  | AmountTooManyDecimalsError
  | AmountOutOfRangeError;

/**
 * Makes a merchant-presented QR payment request (EMVCo MPM, see the README's "QR payload" table) for this
 * ledger's chain and token: a random request id, and the reference `paymentReference(merchant, amount,
 * requestId)` that binds the amount on chain. Offline: nothing is read or sent.
 *
 * @param client - a ledger client (only its deployment is used).
 * @param parameters - merchant, amount, expiry and display fields.
 * @returns the payload string, its request id and its reference.
 * @throws {PaymentRequestFieldError} when a field does not fit the format, or the amount is 0.
 * @example
 * ```ts
 * const { payload, reference } = createPaymentRequest(client, { merchant: shop, amount: "12.50",
 *   expiresAt: BigInt(Math.floor(Date.now() / 1000) + 600), merchantName: "MAMA NJERI SHOP" });
 * // later: await client.isPaymentReferenceUsed({ payee: shop, reference: reference! })
 * ```
 */
export function createPaymentRequest(client: LedgerBaseClient, parameters: CreatePaymentRequestParameters): CreatePaymentRequestReturnType {
  const p = parameters;
  const requestId = (p.requestId ?? randomRequestId()).toLowerCase() as Hex;
  const amount = p.amount === undefined ? undefined : toBaseUnits(p.amount, client.ledger.decimals);
  const payload = encodePaymentRequest(
    {
      chainId: client.ledger.chainId,
      token: client.ledger.token,
      merchant: p.merchant,
      amount,
      requestId,
      expiresAt: p.expiresAt,
      merchantName: p.merchantName ?? PAYMENT_REQUEST_DEFAULTS.merchantName,
      merchantCity: p.merchantCity ?? PAYMENT_REQUEST_DEFAULTS.merchantCity,
      countryCode: p.countryCode ?? PAYMENT_REQUEST_DEFAULTS.countryCode,
      currencyCode: p.currencyCode ?? PAYMENT_REQUEST_DEFAULTS.currencyCode,
      merchantCategoryCode: p.merchantCategoryCode ?? PAYMENT_REQUEST_DEFAULTS.merchantCategoryCode,
    },
    client.ledger.decimals,
  );
  return { payload, requestId, reference: amount === undefined ? undefined : paymentReference(p.merchant, amount, requestId) };
}
