import { isAddress, isHex, parseSignature, type Address, type Hex } from "viem";
import { LedgerError } from "../errors/base.js";

/** The fields both EIP-3009 transfer kinds sign. */
const authorizationFields = [
  { name: "from", type: "address" },
  { name: "to", type: "address" },
  { name: "value", type: "uint256" },
  { name: "validAfter", type: "uint256" },
  { name: "validBefore", type: "uint256" },
  { name: "nonce", type: "bytes32" },
] as const;

/** EIP-3009 typed-data types: the payer signs one of the two transfer kinds, or a cancellation. */
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
 * A signed EIP-3009 payment. `kind` says who may submit it: `"receive"` only the payee
 * (`receiveWithAuthorization`, immune to front-running), `"transfer"` anyone (`transferWithAuthorization`,
 * for a relayer).
 */
export type PaymentAuthorization = {
  kind: "receive" | "transfer";
  /** The payer (signer). */
  from: Address;
  /** The payee. */
  to: Address;
  /** Amount in base units. */
  value: bigint;
  /** Valid only after this unix time. */
  validAfter: bigint;
  /** Valid only before this unix time: the request's expiry. */
  validBefore: bigint;
  /** The request's reference: single use per payer and per payee. */
  nonce: Hex;
  /** The payer's signature (65 bytes). */
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
 * Parses {@link serializePaymentAuthorization}'s output, checking every field's form.
 *
 * @param text - the JSON string.
 * @returns the authorization.
 * @throws {LedgerError} naming the first bad field.
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
  if (raw.kind !== "receive" && raw.kind !== "transfer") bad("kind");
  for (const field of ["from", "to"]) if (typeof raw[field] !== "string" || !isAddress(raw[field] as string, { strict: false })) bad(field);
  for (const field of ["value", "validAfter", "validBefore"]) if (typeof raw[field] !== "string" || !/^\d+$/.test(raw[field] as string)) bad(field);
  if (typeof raw.nonce !== "string" || !isHex(raw.nonce) || raw.nonce.length !== 66) bad("nonce");
  if (typeof raw.signature !== "string" || !isHex(raw.signature) || raw.signature.length !== 132) bad("signature");
  return {
    kind: raw.kind as PaymentAuthorization["kind"],
    from: raw.from as Address,
    to: raw.to as Address,
    value: BigInt(raw.value as string),
    validAfter: BigInt(raw.validAfter as string),
    validBefore: BigInt(raw.validBefore as string),
    nonce: raw.nonce as Hex,
    signature: raw.signature as Hex,
  };
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
