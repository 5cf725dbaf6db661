import { getAddress, isAddress, isHex, parseSignature, type Address, type Hex } from "viem";
import { LedgerError } from "../errors/base.js";
import { PaymentAmountZeroError, PaymentRequestTamperedError } from "../errors/qr.js";
import { paymentReference } from "./reference.js";

/** The fields both EIP-3009 transfer kinds sign. */
const authorizationFields = [
  { name: "from", type: "address" },
  { name: "to", type: "address" },
  { name: "value", type: "uint256" },
  { name: "validAfter", type: "uint256" },
  { name: "validBefore", type: "uint256" },
  { name: "nonce", type: "bytes32" },
] as const;

/** The fields a payment shares with EIP-3009's transfers (all but the nonce: a payment's nonce is its reference). */
const transferFields = [authorizationFields[0], authorizationFields[1], authorizationFields[2], authorizationFields[3], authorizationFields[4]] as const;

/**
 * EIP-3009 typed-data types: the two standard transfer kinds (random nonces, not payment requests) and the
 * cancellation (which also cancels an unused payment authorization: its nonce is the payment's reference).
 */
export const eip3009Types = {
  TransferWithAuthorization: authorizationFields,
  ReceiveWithAuthorization: authorizationFields,
  CancelAuthorization: [
    { name: "authorizer", type: "address" },
    { name: "nonce", type: "bytes32" },
  ],
} as const;

/** EIP-2612 typed-data types. */
export const permitTypes = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/**
 * The EIP-712 type a payer signs to pay a request (`GoodsToken.PAYMENT_AUTHORIZATION_TYPEHASH`), on the
 * token's domain. It is its own type, not EIP-3009's, so a payment signature can never be replayed through
 * `transferWithAuthorization`/`receiveWithAuthorization`, and a plain EIP-3009 authorization can never consume
 * a payment request.
 */
export const paymentAuthorizationTypes = {
  PaymentAuthorization: [...transferFields, { name: "requestId", type: "bytes32" }],
} as const;

/**
 * A signed payment of a request, for `payWithAuthorization`. Anyone may submit it (the merchant or a
 * relayer): it can only pay `value` to `to`, once, and only before `validBefore`.
 */
export type PaymentAuthorization = {
  /** The payer (signer). */
  from: Address;
  /** The payee. */
  to: Address;
  /** Amount in base units (more than 0). */
  value: bigint;
  /** Valid only after this unix time. */
  validAfter: bigint;
  /** Valid only before this unix time: the request's expiry. */
  validBefore: bigint;
  /** The request's id. */
  requestId: Hex;
  /**
   * `paymentReference(to, value, requestId)`: the on-chain single-use mark of the payee and the payer's
   * authorization nonce (`authorizationState(from, reference)`, `cancelAuthorization(reference)`).
   */
  reference: Hex;
  /** The payer's signature over the {@link paymentAuthorizationTypes} struct (65 bytes). */
  signature: Hex;
};

/**
 * Serializes an authorization for handing over offline (QR, NFC, SMS): JSON with decimal strings.
 *
 * @param authorization - the signed payment.
 * @returns a JSON string.
 * @example
 * ```ts
 * const text = serializePaymentAuthorization(authorization); // show as a QR code to the merchant
 * ```
 */
export function serializePaymentAuthorization(authorization: PaymentAuthorization): string {
  return JSON.stringify({ ...authorization, value: String(authorization.value), validAfter: String(authorization.validAfter), validBefore: String(authorization.validBefore) });
}

/**
 * Parses {@link serializePaymentAuthorization}'s output, checking every field's form and that the reference
 * is the one the payee, value and request id give.
 *
 * @param text - the JSON string.
 * @returns the authorization.
 * @throws {LedgerError} naming the first bad field.
 * @throws {PaymentAmountZeroError} when the value is 0.
 * @throws {PaymentRequestTamperedError} when the reference does not commit to the payee, value and request id.
 * @example
 * ```ts
 * const authorization = parsePaymentAuthorization(scannedText);
 * ```
 */
export function parsePaymentAuthorization(text: string): PaymentAuthorization {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new LedgerError("payment authorization is not JSON");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new LedgerError("payment authorization is not a JSON object");
  const bad = (field: string): never => {
    throw new LedgerError(`payment authorization field ${field} is missing or malformed`);
  };
  for (const field of ["from", "to"]) if (typeof raw[field] !== "string" || !isAddress(raw[field] as string, { strict: false })) bad(field);
  for (const field of ["value", "validAfter", "validBefore"]) if (typeof raw[field] !== "string" || !/^\d{1,78}$/.test(raw[field] as string)) bad(field);
  for (const field of ["requestId", "reference"]) if (typeof raw[field] !== "string" || !isHex(raw[field]) || (raw[field] as string).length !== 66) bad(field);
  if (typeof raw.signature !== "string" || !isHex(raw.signature) || raw.signature.length !== 132) bad("signature");
  const authorization: PaymentAuthorization = {
    from: getAddress(raw.from as string),
    to: getAddress(raw.to as string),
    value: BigInt(raw.value as string),
    validAfter: BigInt(raw.validAfter as string),
    validBefore: BigInt(raw.validBefore as string),
    requestId: (raw.requestId as Hex).toLowerCase() as Hex,
    reference: (raw.reference as Hex).toLowerCase() as Hex,
    signature: raw.signature as Hex,
  };
  checkPaymentAuthorization(authorization);
  return authorization;
}

/**
 * Checks an authorization offline before it is submitted: a value of 0 is refused (the token would revert
 * `GoodsTokenZeroValueAuthorization`), and the reference must be `paymentReference(to, value, requestId)`.
 *
 * @param authorization - the authorization.
 * @throws {PaymentAmountZeroError} when the value is 0.
 * @throws {PaymentRequestTamperedError} when the reference does not commit to the payee, value and request id.
 * @example
 * ```ts
 * checkPaymentAuthorization(authorization); // before showing "pay 12.50 to …"
 * ```
 */
export function checkPaymentAuthorization(authorization: PaymentAuthorization): void {
  const { to, value, requestId, reference } = authorization;
  if (value === 0n) throw new PaymentAmountZeroError();
  const expected = paymentReference(to, value, requestId);
  if (reference.toLowerCase() !== expected) {
    throw new PaymentRequestTamperedError({ merchant: to, amount: value, requestId, reference, expected }, `${value} base units`);
  }
}

/**
 * Splits a 65-byte signature into the `(v, r, s)` the token's functions take.
 *
 * @param signature - the signature.
 * @returns v (27 or 28), r and s.
 * @example
 * ```ts
 * const { v, r, s } = splitSignature(authorization.signature);
 * ```
 */
export function splitSignature(signature: Hex): { v: number; r: Hex; s: Hex } {
  const { r, s, v, yParity } = parseSignature(signature);
  return { v: v === undefined ? yParity + 27 : Number(v), r, s };
}
