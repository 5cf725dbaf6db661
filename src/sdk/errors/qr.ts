import type { Address, Hex } from "viem";
import { LedgerError } from "./base.js";

/**
 * A payment request payload is not well-formed EMVCo TLV: truncated, a bad length, a missing or
 * repeated field, or a value of the wrong form.
 *
 * @example
 * ```ts
 * decodePaymentRequest(payload.slice(0, 40)); // throws PaymentRequestMalformedError
 * ```
 */
export class PaymentRequestMalformedError extends LedgerError {
  override name = "PaymentRequestMalformedError";
  /** @param reason - what is wrong, e.g. "truncated at offset 42". */
  constructor(reason: string) {
    super(`payment request is malformed: ${reason}`);
  }
}

/**
 * The CRC-16/CCITT-FALSE in tag 63 does not match the payload: it was mistyped, damaged or altered.
 *
 * @example
 * ```ts
 * decodePaymentRequest(payload.replace("5802KE", "5802TZ")); // throws PaymentRequestChecksumError
 * ```
 */
export class PaymentRequestChecksumError extends LedgerError {
  override name = "PaymentRequestChecksumError";
  /** The CRC written in the payload. */
  readonly expected: string;
  /** The CRC computed over the payload. */
  readonly actual: string;
  /**
   * @param expected - the CRC written in the payload.
   * @param actual - the CRC computed over the payload.
   */
  constructor(expected: string, actual: string) {
    super(`payment request checksum does not match (payload says ${expected}, content gives ${actual}): it was damaged or altered`);
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * A field cannot be encoded: it is too long for EMVCo's two-digit length, or holds characters
 * outside printable ASCII.
 *
 * @example
 * ```ts
 * createPaymentRequest(client, { merchant, reference, expiresAt, merchantName: "x".repeat(30) }); // throws
 * ```
 */
export class PaymentRequestFieldError extends LedgerError {
  override name = "PaymentRequestFieldError";
  /** The field's name. */
  readonly field: string;
  /**
   * @param field - the field's name.
   * @param reason - what is wrong with it.
   */
  constructor(field: string, reason: string) {
    super(`payment request field ${field} ${reason}`);
    this.field = field;
  }
}

/**
 * The request was made for another chain than the client's deployment.
 *
 * @example
 * ```ts
 * await parsePaymentRequest(client, { payload }); // request for chain 1, client on 31337: throws
 * ```
 */
export class PaymentRequestWrongChainError extends LedgerError {
  override name = "PaymentRequestWrongChainError";
  /** The client's chain id. */
  readonly expected: number;
  /** The request's chain id. */
  readonly actual: number;
  /**
   * @param expected - the client's chain id.
   * @param actual - the request's chain id.
   */
  constructor(expected: number, actual: number) {
    super(`payment request is for chain ${actual}, but this ledger runs on chain ${expected}`);
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * The request names another token contract than the client's deployment.
 *
 * @example
 * ```ts
 * await parsePaymentRequest(client, { payload }); // request for another token: throws
 * ```
 */
export class PaymentRequestWrongTokenError extends LedgerError {
  override name = "PaymentRequestWrongTokenError";
  /** The deployment's token. */
  readonly expected: Address;
  /** The request's token. */
  readonly actual: Address;
  /**
   * @param expected - the deployment's token.
   * @param actual - the request's token.
   */
  constructor(expected: Address, actual: Address) {
    super(`payment request is for token ${actual}, but this ledger's token is ${expected}`);
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * The request's expiry has passed (or passes before the payment could be settled).
 *
 * @example
 * ```ts
 * await parsePaymentRequest(client, { payload, now: expiresAt + 1n }); // throws
 * ```
 */
export class PaymentRequestExpiredError extends LedgerError {
  override name = "PaymentRequestExpiredError";
  /** Expiry, unix seconds. */
  readonly expiresAt: bigint;
  /** The time it was checked at, unix seconds. */
  readonly now: bigint;
  /**
   * @param expiresAt - expiry, unix seconds.
   * @param now - the time it was checked at, unix seconds.
   */
  constructor(expiresAt: bigint, now: bigint) {
    super(`payment request expired at ${new Date(Number(expiresAt) * 1000).toISOString()}`, {
      details: `expiresAt ${expiresAt}, now ${now}`,
    });
    this.expiresAt = expiresAt;
    this.now = now;
  }
}

/**
 * A request without an amount was signed without giving one.
 *
 * @example
 * ```ts
 * await signPayment(client, { request: staticRequest }); // throws: give { amount: "5" }
 * ```
 */
export class PaymentAmountRequiredError extends LedgerError {
  override name = "PaymentAmountRequiredError";
  constructor() {
    super("this payment request has no amount: pass the amount to pay");
  }
}

/**
 * A payment request's reference does not commit to the payee, amount and request id the payload shows:
 * someone changed the amount (or the payee) and recomputed the CRC. The on-chain reference is
 * `paymentReference(payee, amount, requestId)`, so such a request could never be paid as shown; refuse it.
 *
 * @example
 * ```ts
 * decodePaymentRequest(payloadWithEditedAmount, 6); // throws PaymentRequestTamperedError
 * ```
 */
export class PaymentRequestTamperedError extends LedgerError {
  override name = "PaymentRequestTamperedError";
  /** The payee the payload shows. */
  readonly merchant: Address;
  /** The amount the payload shows, base units. */
  readonly amount: bigint;
  /** The request id the payload shows. */
  readonly requestId: Hex;
  /** The reference written in the payload. */
  readonly reference: Hex;
  /** The reference the shown payee, amount and request id give. */
  readonly expected: Hex;
  /**
   * @param fields - the payee, amount and request id shown, the reference written, and the one they give.
   * @param shownAmount - the amount as the payer reads it (token units), for the message.
   */
  constructor(fields: { merchant: Address; amount: bigint; requestId: Hex; reference: Hex; expected: Hex }, shownAmount: string) {
    super(
      `payment request was altered: its amount (${shownAmount}) or payee (${fields.merchant}) is not what its reference ${fields.reference} commits to; do not pay it`,
      { details: `paymentReference(payee, amount, requestId) = ${fields.expected}` },
    );
    this.merchant = fields.merchant;
    this.amount = fields.amount;
    this.requestId = fields.requestId;
    this.reference = fields.reference;
    this.expected = fields.expected;
  }
}

/**
 * A payment of 0 was asked for: the token refuses a 0-value authorization
 * (`GoodsTokenZeroValueAuthorization`), so a request can only be paid with a positive amount.
 *
 * @example
 * ```ts
 * await signPayment(payer, { request: openRequest, amount: "0" }); // throws PaymentAmountZeroError
 * ```
 */
export class PaymentAmountZeroError extends LedgerError {
  override name = "PaymentAmountZeroError";
  constructor() {
    super("a payment of 0 is refused: the amount must be more than 0");
  }
}

/**
 * A request that fixes its amount was signed with a different one.
 *
 * @example
 * ```ts
 * await signPayment(payer, { request: requestFor1, amount: "2" }); // throws PaymentAmountMismatchError
 * ```
 */
export class PaymentAmountMismatchError extends LedgerError {
  override name = "PaymentAmountMismatchError";
  /** The request's amount, base units. */
  readonly requested: bigint;
  /** The amount given, base units. */
  readonly given: bigint;
  /**
   * @param requested - the request's amount, base units.
   * @param given - the amount given, base units.
   * @param shown - both amounts in token units, for the message.
   */
  constructor(requested: bigint, given: bigint, shown: { requested: string; given: string }) {
    super(`this payment request fixes its amount at ${shown.requested}: it cannot be paid with ${shown.given}`);
    this.requested = requested;
    this.given = given;
  }
}
