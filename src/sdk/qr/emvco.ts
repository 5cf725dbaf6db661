import { PaymentRequestChecksumError, PaymentRequestFieldError, PaymentRequestMalformedError } from "../errors/qr.js";

/** One EMVCo data object: a two-digit tag and its value. */
export type TlvField = { tag: string; value: string };

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor), as EMVCo MPM tag 63 uses,
 * over the payload's ASCII bytes.
 *
 * @param data - printable ASCII text.
 * @returns the CRC as four upper-case hex digits.
 * @example
 * ```ts
 * crc16CcittFalse("123456789"); // "29B1"
 * ```
 */
export function crc16CcittFalse(data: string): string {
  let crc = 0xffff;
  for (let i = 0; i < data.length; i++) {
    crc ^= data.charCodeAt(i) << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, "0");
}

/**
 * Encodes data objects as EMVCo TLV: tag (2 digits), length (2 digits), value.
 *
 * @param fields - the data objects in order; `name` is used in errors.
 * @returns the concatenated TLV text.
 * @throws {PaymentRequestFieldError} when a value is longer than 99 characters or not printable ASCII.
 * @example
 * ```ts
 * encodeTlv([{ tag: "00", value: "01" }]); // "000201"
 * ```
 */
export function encodeTlv(fields: readonly (TlvField & { name?: string })[]): string {
  return fields
    .map(({ tag, value, name }) => {
      if (value.length > 99) throw new PaymentRequestFieldError(name ?? `tag ${tag}`, `is ${value.length} characters; EMVCo allows 99`);
      if (!PRINTABLE_ASCII.test(value)) throw new PaymentRequestFieldError(name ?? `tag ${tag}`, "must be printable ASCII");
      return `${tag}${value.length.toString().padStart(2, "0")}${value}`;
    })
    .join("");
}

/**
 * Decodes EMVCo TLV text into data objects.
 *
 * @param text - TLV text (a whole payload or a template's value).
 * @returns the data objects in order.
 * @throws {PaymentRequestMalformedError} when a tag or length is not digits or a value runs past the end.
 * @example
 * ```ts
 * decodeTlv("000201"); // [{ tag: "00", value: "01" }]
 * ```
 */
export function decodeTlv(text: string): TlvField[] {
  const fields: TlvField[] = [];
  let offset = 0;
  while (offset < text.length) {
    const header = text.slice(offset, offset + 4);
    if (!/^\d{4}$/.test(header)) throw new PaymentRequestMalformedError(`expected a tag and length at offset ${offset}`);
    const length = Number(header.slice(2));
    const end = offset + 4 + length;
    if (end > text.length) throw new PaymentRequestMalformedError(`truncated: tag ${header.slice(0, 2)} at offset ${offset} needs ${length} characters`);
    fields.push({ tag: header.slice(0, 2), value: text.slice(offset + 4, end) });
    offset = end;
  }
  return fields;
}

/**
 * Appends the CRC data object (tag 63, length 04) to a payload.
 *
 * @param payload - TLV text without tag 63.
 * @returns the payload with its CRC, ready for a QR code.
 * @example
 * ```ts
 * withCrc("000201"); // "0002016304" + crc16CcittFalse("0002016304")
 * ```
 */
export function withCrc(payload: string): string {
  const body = `${payload}6304`;
  return body + crc16CcittFalse(body);
}

/**
 * Checks and strips the trailing CRC data object.
 *
 * @param payload - a full payload ending in tag 63.
 * @returns the payload without tag 63.
 * @throws {PaymentRequestMalformedError} when the payload does not end in a CRC data object.
 * @throws {PaymentRequestChecksumError} when the CRC does not match.
 * @example
 * ```ts
 * stripCrc(withCrc("000201")); // "000201"
 * ```
 */
export function stripCrc(payload: string): string {
  const at = payload.length - 8;
  if (at < 0 || payload.slice(at, at + 4) !== "6304") throw new PaymentRequestMalformedError("truncated: no CRC (tag 63) at the end");
  const written = payload.slice(at + 4).toUpperCase();
  const computed = crc16CcittFalse(payload.slice(0, at + 4));
  if (written !== computed) throw new PaymentRequestChecksumError(written, computed);
  return payload.slice(0, at);
}
