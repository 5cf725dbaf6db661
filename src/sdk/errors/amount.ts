import { LedgerError } from "./base.js";

/**
 * An amount string was empty (or only whitespace). Thrown before anything is sent.
 *
 * @example
 * ```ts
 * parseAmount("", 6); // throws AmountEmptyError
 * ```
 */
export class AmountEmptyError extends LedgerError {
  override name = "AmountEmptyError";
  constructor() {
    super("amount is empty: give a decimal string such as \"12.50\"");
  }
}

/**
 * An amount was negative. Token amounts are never negative.
 *
 * @example
 * ```ts
 * parseAmount("-1", 6); // throws AmountNegativeError
 * ```
 */
export class AmountNegativeError extends LedgerError {
  override name = "AmountNegativeError";
  /** The rejected input. */
  readonly value: string;
  /** @param value - the rejected input. */
  constructor(value: string) {
    super(`amount ${value} is negative: amounts must be zero or more`);
    this.value = value;
  }
}

/**
 * An amount string was not a plain decimal number (digits, optionally a dot and more digits).
 *
 * @example
 * ```ts
 * parseAmount("1e6", 6); // throws AmountNotNumericError
 * ```
 */
export class AmountNotNumericError extends LedgerError {
  override name = "AmountNotNumericError";
  /** The rejected input. */
  readonly value: string;
  /** @param value - the rejected input. */
  constructor(value: string) {
    super(`amount "${value}" is not a decimal number: use digits with an optional "." (e.g. "12.50")`);
    this.value = value;
  }
}

/**
 * An amount had more fractional digits than the token's decimals, so it cannot be represented exactly.
 *
 * @example
 * ```ts
 * parseAmount("0.0000001", 6); // throws AmountTooManyDecimalsError
 * ```
 */
export class AmountTooManyDecimalsError extends LedgerError {
  override name = "AmountTooManyDecimalsError";
  /** The rejected input. */
  readonly value: string;
  /** The token's decimals. */
  readonly decimals: number;
  /**
   * @param value - the rejected input.
   * @param decimals - the token's decimals.
   */
  constructor(value: string, decimals: number) {
    super(`amount ${value} has more than ${decimals} decimal places, the token's precision`);
    this.value = value;
    this.decimals = decimals;
  }
}

/**
 * An amount was above the largest value the contract can take (`uint256` unless a smaller bound is given).
 *
 * @example
 * ```ts
 * parseAmount("1" + "0".repeat(80), 6); // throws AmountOutOfRangeError
 * ```
 */
export class AmountOutOfRangeError extends LedgerError {
  override name = "AmountOutOfRangeError";
  /** The rejected input. */
  readonly value: string;
  /** The largest allowed amount in base units. */
  readonly max: bigint;
  /**
   * @param value - the rejected input.
   * @param max - the largest allowed amount in base units.
   */
  constructor(value: string, max: bigint) {
    super(`amount ${value} is above the largest amount the ledger accepts`, { details: `maximum ${max} base units` });
    this.value = value;
    this.max = max;
  }
}
