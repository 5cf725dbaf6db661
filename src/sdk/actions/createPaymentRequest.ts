import { bytesToHex, type Address, type Hex } from "viem";
import { toBaseUnits, type Amount } from "../amounts.js";
import type { LedgerBaseClient } from "../client.js";
import type { LedgerError } from "../errors/base.js";
import type { PaymentRequestFieldError } from "../errors/qr.js";
import { encodePaymentRequest, PAYMENT_REQUEST_DEFAULTS } from "../qr/paymentRequest.js";

/** Parameters of {@link createPaymentRequest}. */
export type CreatePaymentRequestParameters = {
  /** The payee. */
  merchant: Address;
  /** The amount; omit to let the payer enter it. */
  amount?: Amount | undefined;
  /** 32-byte single-use reference (the EIP-3009 nonce); random when omitted. */
  reference?: Hex | undefined;
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

/** The payload for the QR code, and the reference to watch for. */
export type CreatePaymentRequestReturnType = { payload: string; reference: Hex };

/** Errors {@link createPaymentRequest} can throw (all before anything is sent: it works offline). */
export type CreatePaymentRequestErrorType = PaymentRequestFieldError | LedgerError;

/**
 * Makes a merchant-presented QR payment request (EMVCo MPM, see the README's "QR payload" table) for this
 * ledger's chain and token. Offline: nothing is read or sent.
 *
 * @param client - a ledger client (only its deployment is used).
 * @param parameters - merchant, amount, reference, expiry and display fields.
 * @returns the payload string and its reference.
 * @example
 * ```ts
 * const { payload, reference } = createPaymentRequest(client, { merchant: shop, amount: "12.50",
 *   expiresAt: BigInt(Math.floor(Date.now() / 1000) + 600), merchantName: "MAMA NJERI SHOP" });
 * ```
 */
export function createPaymentRequest(client: LedgerBaseClient, p: CreatePaymentRequestParameters): CreatePaymentRequestReturnType {
  const reference = p.reference ?? bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
  const payload = encodePaymentRequest(
    {
      chainId: client.ledger.chainId,
      token: client.ledger.token,
      merchant: p.merchant,
      amount: p.amount === undefined ? undefined : toBaseUnits(p.amount, client.ledger.decimals),
      reference,
      expiresAt: p.expiresAt,
      merchantName: p.merchantName ?? PAYMENT_REQUEST_DEFAULTS.merchantName,
      merchantCity: p.merchantCity ?? PAYMENT_REQUEST_DEFAULTS.merchantCity,
      countryCode: p.countryCode ?? PAYMENT_REQUEST_DEFAULTS.countryCode,
      currencyCode: p.currencyCode ?? PAYMENT_REQUEST_DEFAULTS.currencyCode,
      merchantCategoryCode: p.merchantCategoryCode ?? PAYMENT_REQUEST_DEFAULTS.merchantCategoryCode,
    },
    client.ledger.decimals,
  );
  return { payload, reference };
}
