import type { Address } from "viem";
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
 * `submitPayment` was called for a receive-authorization by an account that is not the payee;
 * EIP-3009's `receiveWithAuthorization` only accepts the payee as the caller.
 *
 * @example
 * ```ts
 * await submitPayment(relayerClient, { authorization }); // kind "receive": throws
 * ```
 */
export class PaymentSubmitterError extends LedgerError {
  override name = "PaymentSubmitterError";
  /** The account that would submit. */
  readonly submitter: Address | undefined;
  /** The payee, who alone may submit a receive-authorization. */
  readonly payee: Address;
  /**
   * @param submitter - the account that would submit.
   * @param payee - the payee.
   */
  constructor(submitter: Address | undefined, payee: Address) {
    super(
      `only the payee ${payee} may submit a receive-authorization (submitter: ${submitter ?? "no account"}); ` +
        `have the payer sign with submitter "relayer" to let anyone submit`,
    );
    this.submitter = submitter;
    this.payee = payee;
  }
}
