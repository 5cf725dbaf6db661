import { bytesToHex, getAddress, hexToBytes, isAddress, isHex, type Address, type Hex } from "viem";
import { formatAmount, parseAmount } from "../amounts.js";
import { PaymentRequestFieldError, PaymentRequestMalformedError, PaymentRequestTamperedError } from "../errors/qr.js";
import { decodeTlv, encodeTlv, stripCrc, withCrc, type TlvField } from "./emvco.js";
import { paymentReference } from "./reference.js";

/**
 * Globally unique identifier (reverse domain) in sub-tag 00 of this ledger's templates: tag 26 (merchant
 * account information), tag 80 (the request id and expiry) and tag 81 (the reference).
 */
export const PAYMENT_REQUEST_GUI = "org.goodsledger";

/** A decoded payment request: everything the payer's app needs to sign, before any chain lookup. */
export type PaymentRequest = {
  /** Chain id the request is for. */
  chainId: number;
  /** The token contract. */
  token: Address;
  /** The payee. */
  merchant: Address;
  /** Amount in base units (more than 0); undefined when the payer enters it. */
  amount: bigint | undefined;
  /** The request's random 32-byte id. */
  requestId: Hex;
  /**
   * The on-chain reference `paymentReference(merchant, amount, requestId)`: the payer's authorization nonce
   * and the merchant's single-use mark. Undefined for a request without an amount (the payer's amount fixes it).
   */
  reference: Hex | undefined;
  /** Expiry, unix seconds: the authorization's `validBefore`. */
  expiresAt: bigint;
  /** Merchant name as printed on the code (tag 59, ≤ 25 characters). Self-declared: not checked on chain. */
  merchantName: string;
  /** Merchant city (tag 60, ≤ 15 characters). */
  merchantCity: string;
  /** ISO 3166-1 alpha-2 country (tag 58). */
  countryCode: string;
  /** ISO 4217 numeric currency (tag 53); "999" ("no currency") by default, as the token has no ISO code. */
  currencyCode: string;
  /** ISO 18245 merchant category code (tag 52). */
  merchantCategoryCode: string;
};

/** Defaults for the EMVCo fields the ledger does not need but the format requires. */
export const PAYMENT_REQUEST_DEFAULTS = {
  merchantName: "MERCHANT",
  merchantCity: "NA",
  countryCode: "XX",
  currencyCode: "999",
  merchantCategoryCode: "0000",
} as const;

/** What {@link encodePaymentRequest} takes: a request whose reference it computes (or checks, when given). */
export type PaymentRequestInput = Omit<PaymentRequest, "reference"> & { reference?: Hex | undefined };

/**
 * Encodes a payment request as an EMVCo merchant-presented QR payload (see the README's "QR payload" table).
 * It writes the reference `paymentReference(merchant, amount, requestId)` next to the amount, so a payload
 * whose amount or payee is edited no longer matches its reference. Addresses, the request id and the
 * reference are base64url in the templates, because EMVCo caps a template at 99 characters.
 *
 * @param request - the request; amounts in base units. A `reference`, when given, must be the computed one.
 * @param decimals - the token's decimals, to write tag 54 in token units.
 * @returns the payload text, ending in its CRC.
 * @throws {PaymentRequestFieldError} when a field does not fit the format (an amount of 0 included).
 * @throws {PaymentRequestTamperedError} when a given reference is not the one the payee, amount and request id give.
 * @example
 * ```ts
 * const payload = encodePaymentRequest({ ...PAYMENT_REQUEST_DEFAULTS, chainId: 31337, token, merchant,
 *   amount: 12_500_000n, requestId: randomRequestId(), expiresAt: 1_900_000_000n }, 6);
 * ```
 */
export function encodePaymentRequest(request: PaymentRequestInput, decimals: number): string {
  checkField("merchantCategoryCode", request.merchantCategoryCode, /^\d{4}$/, "must be 4 digits");
  checkField("currencyCode", request.currencyCode, /^\d{3}$/, "must be 3 digits (ISO 4217 numeric)");
  checkField("countryCode", request.countryCode, /^[A-Z]{2}$/, "must be 2 upper-case letters (ISO 3166-1)");
  checkField("merchantName", request.merchantName, /^.{1,25}$/, "must be 1 to 25 characters");
  checkField("merchantCity", request.merchantCity, /^.{1,15}$/, "must be 1 to 15 characters");
  if (!Number.isSafeInteger(request.chainId) || request.chainId <= 0) throw new PaymentRequestFieldError("chainId", "must be a positive integer");
  if (request.expiresAt <= 0n) throw new PaymentRequestFieldError("expiresAt", "must be a positive unix time in seconds");
  if (!isBytes32(request.requestId)) throw new PaymentRequestFieldError("requestId", "must be 32 bytes of hex");
  for (const field of ["token", "merchant"] as const) {
    if (!isAddress(request[field], { strict: false })) throw new PaymentRequestFieldError(field, "must be an address");
  }
  if (request.amount !== undefined && request.amount <= 0n) throw new PaymentRequestFieldError("amount", "must be more than 0 (the token refuses a 0-value payment)");
  const amount = request.amount === undefined ? undefined : formatAmount(request.amount, decimals);
  if (amount !== undefined && amount.length > 13) throw new PaymentRequestFieldError("amount", "must be at most 13 characters (EMVCo tag 54)");
  const reference = request.amount === undefined ? undefined : paymentReference(request.merchant, request.amount, request.requestId);
  if (request.reference !== undefined) {
    if (reference === undefined) throw new PaymentRequestFieldError("reference", "is set by the payer's amount: a request without an amount carries none");
    if (request.reference.toLowerCase() !== reference) {
      throw new PaymentRequestTamperedError({ merchant: request.merchant, amount: request.amount!, requestId: request.requestId, reference: request.reference, expected: reference }, amount!);
    }
  }

  const account = encodeTlv([
    { tag: "00", value: PAYMENT_REQUEST_GUI },
    { tag: "01", value: String(request.chainId) },
    { tag: "02", value: toBase64Url(request.token) },
    { tag: "03", value: toBase64Url(request.merchant) },
  ]);
  const settlement = encodeTlv([
    { tag: "00", value: PAYMENT_REQUEST_GUI },
    { tag: "01", value: toBase64Url(request.requestId) },
    { tag: "02", value: request.expiresAt.toString() },
  ]);
  const binding = reference === undefined ? undefined : encodeTlv([{ tag: "00", value: PAYMENT_REQUEST_GUI }, { tag: "01", value: toBase64Url(reference) }]);
  return withCrc(
    encodeTlv([
      { tag: "00", value: "01" },
      { tag: "01", value: "12" },
      { tag: "26", value: account, name: "merchant account template" },
      { tag: "52", value: request.merchantCategoryCode },
      { tag: "53", value: request.currencyCode },
      ...(amount === undefined ? [] : [{ tag: "54", value: amount }]),
      { tag: "58", value: request.countryCode },
      { tag: "59", value: request.merchantName, name: "merchantName" },
      { tag: "60", value: request.merchantCity, name: "merchantCity" },
      { tag: "80", value: settlement, name: "request template" },
      ...(binding === undefined ? [] : [{ tag: "81", value: binding, name: "reference template" }]),
    ]),
  );
}

/**
 * Decodes and checks a payment request payload offline: CRC, TLV structure, required fields and their
 * form, and the binding rule: a request with an amount carries the reference
 * `paymentReference(merchant, amount, requestId)`, and no other. It does not check the chain, token, expiry
 * or merchant: `parsePaymentRequest` does, with a client.
 *
 * @param payload - the text read from the QR code.
 * @param decimals - the token's decimals, to read tag 54.
 * @returns the decoded request.
 * @throws {PaymentRequestChecksumError} when the CRC does not match.
 * @throws {PaymentRequestMalformedError} when the payload is truncated or a field is missing or ill-formed.
 * @throws {PaymentRequestTamperedError} when the reference does not commit to the payee, amount and request id shown.
 * @example
 * ```ts
 * const request = decodePaymentRequest(scannedText, 6);
 * ```
 */
export function decodePaymentRequest(payload: string, decimals: number): PaymentRequest {
  const text = payload.trim();
  // The encoder writes printable ASCII only. Anything else is refused: the CRC reads one byte per character
  // (so a non-ASCII character could stand in for another unnoticed), and a control character in the merchant
  // name or city would reach the payer's screen (terminal escape sequences).
  if (!/^[\x20-\x7e]*$/.test(text)) throw new PaymentRequestMalformedError("the payload must be printable ASCII");
  const fields = decodeTlv(stripCrc(text));
  const root = fieldsByTag(fields, "payload");
  if (fields[0]?.tag !== "00" || root.get("00") !== "01") throw new PaymentRequestMalformedError("payload format indicator (tag 00) must be 01 and come first");
  const initiation = root.get("01");
  if (initiation !== undefined && initiation !== "11" && initiation !== "12") throw new PaymentRequestMalformedError("point of initiation (tag 01) must be 11 or 12");
  const account = template(root, "26", "merchant account template");
  const settlement = template(root, "80", "request template");
  const amountText = root.get("54");
  let amount: bigint | undefined;
  if (amountText !== undefined) {
    try {
      amount = parseAmount(amountText, decimals);
    } catch (cause) {
      throw new PaymentRequestMalformedError(`amount (tag 54) "${amountText}" is not a valid amount: ${(cause as Error).message}`);
    }
    if (amount === 0n) throw new PaymentRequestMalformedError("amount (tag 54) is 0: a payment must be more than 0");
  }
  const chainId = required(account, "01", "chain id", /^[1-9]\d{0,14}$/);
  const expiresAt = required(settlement, "02", "expiry", /^[1-9]\d{0,18}$/);
  const merchant = getAddress(fromBase64Url(required(account, "03", "merchant"), 20, "merchant"));
  const requestId = fromBase64Url(required(settlement, "01", "request id"), 32, "request id");
  let reference: Hex | undefined;
  if (amount === undefined) {
    if (root.has("81")) throw new PaymentRequestMalformedError("a request without an amount (tag 54) must not carry a reference (tag 81): the payer's amount sets it");
  } else {
    reference = fromBase64Url(required(template(root, "81", "reference template"), "01", "reference"), 32, "reference");
    const expected = paymentReference(merchant, amount, requestId);
    if (reference !== expected) throw new PaymentRequestTamperedError({ merchant, amount, requestId, reference, expected }, amountText!);
  }
  return {
    chainId: Number(chainId),
    token: getAddress(fromBase64Url(required(account, "02", "token"), 20, "token")),
    merchant,
    amount,
    requestId,
    reference,
    expiresAt: BigInt(expiresAt),
    merchantName: required(root, "59", "merchant name"),
    merchantCity: required(root, "60", "merchant city"),
    countryCode: required(root, "58", "country code", /^[A-Z]{2}$/),
    currencyCode: required(root, "53", "currency", /^\d{3}$/),
    merchantCategoryCode: required(root, "52", "merchant category code", /^\d{4}$/),
  };
}

function isBytes32(value: unknown): value is Hex {
  return typeof value === "string" && isHex(value) && value.length === 66;
}

function checkField(name: string, value: string, pattern: RegExp, rule: string): void {
  if (!pattern.test(value)) throw new PaymentRequestFieldError(name, rule);
}

function fieldsByTag(fields: TlvField[], where: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const { tag, value } of fields) {
    if (map.has(tag)) throw new PaymentRequestMalformedError(`tag ${tag} appears twice in the ${where}`);
    map.set(tag, value);
  }
  return map;
}

function template(root: Map<string, string>, tag: string, name: string): Map<string, string> {
  const fields = fieldsByTag(decodeTlv(required(root, tag, name)), name);
  if (fields.get("00") !== PAYMENT_REQUEST_GUI) throw new PaymentRequestMalformedError(`${name} (tag ${tag}) is not for ${PAYMENT_REQUEST_GUI}`);
  return fields;
}

function required(fields: Map<string, string>, tag: string, name: string, pattern?: RegExp): string {
  const value = fields.get(tag);
  if (value === undefined) throw new PaymentRequestMalformedError(`${name} (tag ${tag}) is missing`);
  if (pattern && !pattern.test(value)) throw new PaymentRequestMalformedError(`${name} (tag ${tag}) "${value}" is ill-formed`);
  return value;
}

function toBase64Url(hex: Hex): string {
  let binary = "";
  for (const byte of hexToBytes(hex)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string, size: number, name: string): Hex {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new PaymentRequestMalformedError(`${name} is not base64url`);
  let binary: string;
  try {
    binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    throw new PaymentRequestMalformedError(`${name} is not base64url`);
  }
  if (binary.length !== size) throw new PaymentRequestMalformedError(`${name} must be ${size} bytes, found ${binary.length}`);
  return bytesToHex(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
