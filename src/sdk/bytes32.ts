import { hexToString, isHex, stringToHex, type Hex } from "viem";
import { LedgerError } from "./errors/base.js";

/**
 * A short text code (reason code, goods class, unit, location) or a 32-byte hex value, for `bytes32` arguments.
 * Text is stored as UTF-8, left-aligned and zero-padded, like ethers' `encodeBytes32String`.
 */
export type Bytes32Input = string;

/**
 * Encodes a `bytes32` argument: 32-byte hex passes through, other text (at most 31 bytes) is padded.
 *
 * @param value - `"SANCTIONS_HIT"`, `"kg"`, or `0x` + 64 hex digits.
 * @param field - the argument's name, for the error.
 * @returns the 32-byte value.
 * @throws {LedgerError} when the text is longer than 31 bytes.
 * @example
 * ```ts
 * toBytes32("kg", "unit"); // 0x6b67000…
 * ```
 */
export function toBytes32(value: Bytes32Input, field: string): Hex {
  if (isHex(value) && value.length === 66) return value;
  const hex = stringToHex(value);
  if ((hex.length - 2) / 2 > 31) throw new LedgerError(`${field} "${value}" is longer than 31 bytes; give a short code or 32 bytes of hex`);
  return stringToHex(value, { size: 32 });
}

/**
 * Decodes a `bytes32` that holds short text back to the text; other values stay hex.
 *
 * @param value - a 32-byte value read from the chain.
 * @returns the text when the value is zero-padded printable text, otherwise the hex.
 * @example
 * ```ts
 * fromBytes32(toBytes32("kg", "unit")); // "kg"
 * ```
 */
export function fromBytes32(value: Hex): string {
  const trimmed = value.replace(/(00)+$/, "");
  if (trimmed === "0x") return "";
  const text = hexToString(trimmed as Hex);
  return /^[\x20-\x7e]+$/.test(text) ? text : value;
}
