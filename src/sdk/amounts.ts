import { maxUint256 } from "viem";
import {
  AmountEmptyError,
  AmountNegativeError,
  AmountNotNumericError,
  AmountOutOfRangeError,
  AmountTooManyDecimalsError,
} from "./errors/amount.js";

/** The token's decimals (DESIGN.md §1): 6, like USDC and mobile-money ledgers. */
export const TOKEN_DECIMALS = 6;

/** An amount as the SDK accepts it: a decimal string in token units (`"12.50"`), or base units as a bigint. */
export type Amount = string | bigint;

/** Options of {@link parseAmount}. */
export type ParseAmountOptions = {
  /** Largest allowed amount in base units; defaults to `2^256 - 1` (the ABI's `uint256`). */
  max?: bigint | undefined;
};

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal string in token units into base units, refusing bad input with a named error
 * before anything is sent.
 *
 * @param value - e.g. `"12.5"`; no sign, exponent, separators or surrounding spaces. Trailing zeros past
 *   the token's precision are accepted (`"1.0000000"` is 1).
 * @param decimals - the token's decimals (6).
 * @param options - an optional upper bound in base units.
 * @returns the amount in base units.
 * @throws {AmountEmptyError | AmountNegativeError | AmountNotNumericError | AmountTooManyDecimalsError | AmountOutOfRangeError}
 * @example
 * ```ts
 * parseAmount("12.5", 6); // 12_500_000n
 * ```
 */
export function parseAmount(value: string, decimals: number, options: ParseAmountOptions = {}): bigint {
  if (value.trim() === "") throw new AmountEmptyError();
  if (value.startsWith("-") && DECIMAL.test(value.slice(1))) throw new AmountNegativeError(value);
  const match = DECIMAL.exec(value);
  if (!match) throw new AmountNotNumericError(value);
  const [, whole, fraction = ""] = match;
  const significant = fraction.replace(/0+$/, "");
  if (significant.length > decimals) throw new AmountTooManyDecimalsError(value, decimals);
  const units = BigInt(whole + significant.padEnd(decimals, "0"));
  const max = options.max ?? maxUint256;
  if (units > max) throw new AmountOutOfRangeError(value, max);
  return units;
}

/** Options of {@link formatAmount}. */
export type FormatAmountOptions = {
  /** Pad the fraction to at least this many digits (`2` gives `"120.00"`). Default 0. */
  minFractionDigits?: number | undefined;
};

/**
 * Formats base units as a decimal string in token units, without trailing zeros beyond `minFractionDigits`.
 *
 * @param value - an amount in base units.
 * @param decimals - the token's decimals (6).
 * @param options - minimum fraction digits.
 * @returns e.g. `"12.5"`, or `"120.00"` with `minFractionDigits: 2`.
 * @example
 * ```ts
 * formatAmount(12_500_000n, 6); // "12.5"
 * ```
 */
export function formatAmount(value: bigint, decimals: number, options: FormatAmountOptions = {}): string {
  const sign = value < 0n ? "-" : "";
  const digits = (value < 0n ? -value : value).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const minDigits = Math.min(options.minFractionDigits ?? 0, decimals);
  let fraction = digits.slice(digits.length - decimals).replace(/0+$/, "");
  if (fraction.length < minDigits) fraction = fraction.padEnd(minDigits, "0");
  return fraction ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
}

/**
 * Turns an {@link Amount} into base units: decimal strings go through {@link parseAmount}, bigints are
 * checked against the same range.
 *
 * @param value - a decimal string in token units or base units as a bigint.
 * @param decimals - the token's decimals.
 * @param options - an optional upper bound in base units.
 * @returns the amount in base units.
 * @example
 * ```ts
 * toBaseUnits("1.5", 6); // 1_500_000n
 * toBaseUnits(7n, 6);    // 7n
 * ```
 */
export function toBaseUnits(value: Amount, decimals: number, options: ParseAmountOptions = {}): bigint {
  if (typeof value === "string") return parseAmount(value, decimals, options);
  if (value < 0n) throw new AmountNegativeError(value.toString());
  const max = options.max ?? maxUint256;
  if (value > max) throw new AmountOutOfRangeError(value.toString(), max);
  return value;
}
